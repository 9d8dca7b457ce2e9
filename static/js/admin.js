// Accessible names for what third-party admin widgets render without one.
// Django admin's autocomplete (select2) draws a combobox beside the hidden
// <select>; it names itself after the chosen value only, so an empty one has
// no name: give it the label of its <select>. import-export's "Select all"
// box (templates/admin/import_export/export.html) gets its package's handler
// here: the inline onchange it came with is refused by the Content-Security-Policy.
(function () {
  "use strict";

  function labelOf(select) {
    if (select.getAttribute("aria-label")) {
      return select.getAttribute("aria-label");
    }
    const label = select.id && document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }

  function nameComboboxes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      const container = select.nextElementSibling;
      if (!container || !container.classList.contains("select2")) {
        return;
      }
      const name = labelOf(select);
      if (!name) {
        return;
      }
      container.querySelectorAll('[role="combobox"], [role="textbox"]').forEach(function (part) {
        part.setAttribute("aria-label", name);
      });
    });
  }

  function wireSelectToggle() {
    if (typeof window.onSelectToggleChange !== "function") {
      return;
    }
    document.querySelectorAll("input.select-toggle").forEach(function (box) {
      box.addEventListener("change", window.onSelectToggleChange);
    });
  }

  // select2 initialises on DOMContentLoaded (and new inline rows later):
  // watch for the widgets it adds.
  document.addEventListener("DOMContentLoaded", function () {
    nameComboboxes(document);
    wireSelectToggle();
    new MutationObserver(function (records) {
      if (records.some(function (r) { return r.addedNodes.length; })) {
        nameComboboxes(document);
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
  window.addEventListener("load", function () {
    nameComboboxes(document);
  });
})();
