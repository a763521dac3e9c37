/* Live search of the directory and the NGO catalogue: keeps the search box, the filter panel
   and the language switch's links in step with the address that htmx pushes and restores, and leaves
   empty filters out of that address. */
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 992px)");

  // Filters beside the results on wide screens; behind their button on phones.
  function openPanelOnWideScreens() {
    var panel = document.getElementById("facet-panel");
    if (panel && wide.matches) panel.open = true;
  }

  // Back and Forward restore the results from htmx's history, not the box's typed value.
  function syncSearchBox() {
    var box = document.getElementById("id_q");
    if (!box) return;
    var q = new URLSearchParams(window.location.search).get("q") || "";
    if (box.value !== q) box.value = q;
  }

  // The language switch links to this page in the other language; after a live search the
  // page's address has a new query.
  function syncLanguageSwitch() {
    document.querySelectorAll(".lang-switch a[hreflang]").forEach(function (link) {
      var url = new URL(link.getAttribute("href"), window.location.href);
      url.search = window.location.search;
      link.setAttribute("href", url.pathname + url.search);
    });
  }

  function sync() {
    openPanelOnWideScreens();
    syncSearchBox();
    syncLanguageSwitch();
  }

  // "?q=plovdiv", not "?q=plovdiv&province=&municipality=…"
  function dropEmptyParameters(event) {
    var params = event.detail.parameters;
    var keys = typeof params.keys === "function" ? Array.from(params.keys()) : Object.keys(params);
    keys.forEach(function (key) {
      var value = typeof params.get === "function" ? params.get(key) : params[key];
      if (value === "" || value === null) {
        if (typeof params.delete === "function") params.delete(key);
        else delete params[key];
      }
    });
  }

  openPanelOnWideScreens();
  document.body.addEventListener("htmx:configRequest", dropEmptyParameters);
  document.body.addEventListener("htmx:afterSwap", openPanelOnWideScreens);
  document.body.addEventListener("htmx:pushedIntoHistory", syncLanguageSwitch);
  document.body.addEventListener("htmx:historyRestore", sync);
  window.addEventListener("popstate", function () { window.setTimeout(sync, 0); });
  window.addEventListener("pageshow", sync);
})();
