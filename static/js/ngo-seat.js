// Seat autocomplete: htmx loads suggestions under the settlement field; choosing one fills the
// hidden EKATTE field. Without JavaScript the server resolves the typed name instead.
(function () {
  "use strict";
  function setup(input) {
    var hidden = document.getElementById(input.dataset.seatInput);
    var box = document.getElementById(input.getAttribute("aria-controls"));
    if (!hidden || !box) return;
    function choose(option) {
      input.value = option.dataset.label;
      hidden.value = option.dataset.ekatte;
      box.innerHTML = "";
      input.setAttribute("aria-expanded", "false");
      input.focus();
    }
    input.addEventListener("input", function () { hidden.value = ""; });
    box.addEventListener("click", function (event) {
      var option = event.target.closest("[data-ekatte]");
      if (option) choose(option);
    });
    box.addEventListener("keydown", function (event) {
      var option = event.target.closest("[data-ekatte]");
      if (!option) return;
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); choose(option); }
      if (event.key === "ArrowDown" && option.nextElementSibling) { event.preventDefault(); option.nextElementSibling.focus(); }
      if (event.key === "ArrowUp") { event.preventDefault(); (option.previousElementSibling || input).focus(); }
      if (event.key === "Escape") { box.innerHTML = ""; input.focus(); }
    });
    input.addEventListener("keydown", function (event) {
      var first = box.querySelector("[data-ekatte]");
      if (event.key === "ArrowDown" && first) { event.preventDefault(); first.focus(); }
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target === box) {
        input.setAttribute("aria-expanded", box.querySelector("[data-ekatte]") ? "true" : "false");
      }
    });
  }
  document.querySelectorAll("[data-seat-input]").forEach(setup);
})();
