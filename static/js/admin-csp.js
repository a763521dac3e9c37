// Replacements for the inline event handlers of third-party admin templates, which the
// Content-Security-Policy (no 'unsafe-inline') refuses to run.
"use strict";
document.addEventListener("change", (event) => {
  const toggle = event.target.closest("input.select-toggle[name='select-all-toggle']");
  if (!toggle) {
    return;
  }
  // django-import-export's export page: "Select all" ticks or clears every field of the
  // resource shown (rows of other resources are hidden and keep their state).
  document
    .querySelectorAll(".selectable-field-export-row input[type='checkbox']")
    .forEach((checkbox) => {
      if (checkbox.closest(".selectable-field-export-row").style.display !== "none") {
        checkbox.checked = toggle.checked;
      }
    });
});
