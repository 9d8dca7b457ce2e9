// The print button only makes sense with JavaScript, so it starts hidden.
// Results swapped in by htmx bring a new button, hence the delegated listener.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
function showPrintButtons() {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
  });
}
document.addEventListener("DOMContentLoaded", showPrintButtons);
document.addEventListener("htmx:afterSettle", showPrintButtons);
// After htmx has pushed a filtered URL, the language switch should come back
// to that URL, not to the page as first loaded.
document.addEventListener("htmx:pushedIntoHistory", function () {
  document.querySelectorAll("form.language input[name=next]").forEach(function (input) {
    input.value = window.location.pathname + window.location.search;
  });
});
