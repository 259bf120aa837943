// Moves focus to the error summary after a failed submit, so keyboard and screen-reader users hear it first.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  // Confirmation steps: buttons with data-confirm ask before submitting (the server asks again without JS).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();
