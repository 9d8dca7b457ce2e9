// Progress indication for spreadsheet imports: a long file takes seconds to
// check or save, so say so and keep the button from being pressed twice.
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form.import-run")) {
    form.addEventListener("submit", () => {
      const status = form.querySelector(".import-status");
      if (status) {
        status.textContent = status.dataset.busy;
        const bar = document.createElement("progress");
        bar.setAttribute("aria-label", status.textContent);
        status.append(" ", bar);
      }
      for (const button of form.querySelectorAll("[type=submit]")) {
        button.disabled = true;
      }
    });
  }
});
