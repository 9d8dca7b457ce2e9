// Accessible names for what third-party admin widgets render without one.
// Django admin's autocomplete (select2) draws a combobox beside the hidden
// <select>; it names itself after the chosen value only, so an empty one has
// no name: give it the label of its <select>. import-export's "Select all"
// box has a <label for> without the matching id.
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

  function nameSelectToggle() {
    document.querySelectorAll("input.select-toggle:not([id])").forEach(function (box) {
      box.id = "select-all-toggle";
    });
  }

  function run() {
    nameComboboxes(document);
    nameSelectToggle();
  }

  // select2 initialises on DOMContentLoaded (and new inline rows later):
  // watch for the widgets it adds.
  document.addEventListener("DOMContentLoaded", function () {
    run();
    new MutationObserver(function (records) {
      if (records.some(function (r) { return r.addedNodes.length; })) {
        nameComboboxes(document);
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
  window.addEventListener("load", run);
})();
