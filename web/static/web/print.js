// The print button of printable pages (a static file: the CSP allows no inline script).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button.print").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
});
