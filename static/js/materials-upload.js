// Drag-and-drop onto an upload form: the dropped file goes into the form's own file input, so the plain form
// (which works without JavaScript) does the upload, with the same CSRF token, limits and error pages.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form.js-dropzone");
  Array.prototype.forEach.call(forms, function (form) {
    var input = form.querySelector("input[type=file]");
    var status = form.querySelector(".upload-status");
    if (!input) { return; }
    form.classList.add("dropzone-ready");
    function say(text) { if (status) { status.textContent = text; } }
    ["dragenter", "dragover"].forEach(function (name) {
      form.addEventListener(name, function (event) {
        event.preventDefault();
        form.classList.add("dropzone-active");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      form.addEventListener(name, function () { form.classList.remove("dropzone-active"); });
    });
    form.addEventListener("drop", function (event) {
      event.preventDefault();
      var files = event.dataTransfer && event.dataTransfer.files;
      if (!files || files.length === 0) { return; }
      try {
        input.files = files;
      } catch (e) {
        return;
      }
      say(files[0].name);
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    });
    // NL Design System: no disabled submit buttons. A second press while the upload runs is ignored instead,
    // and the button says it is busy (aria-disabled keeps it focusable and announced).
    var busy = false;
    form.addEventListener("submit", function (event) {
      if (busy) { event.preventDefault(); return; }
      busy = true;
      var button = form.querySelector("button[type=submit]");
      if (button) { button.setAttribute("aria-disabled", "true"); }
      say(form.getAttribute("data-busy") || "…");
    });
  });
})();
