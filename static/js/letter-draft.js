/* The reply draft in the back office (applications: 拟定答复). When the outcome changes, redraw
   the letter from the new outcome's template by pressing the form's own "regenerate" button —
   the page works the same without this file, with one click more. A letter already edited by
   hand (its parts or the body in the editor) is only replaced after confirmation. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-regenerate-letter]");
    if (!button || !button.form) { return; }
    var form = button.form;
    var outcome = form.elements.namedItem("outcome");
    if (!outcome || !form.elements.namedItem("letter_body")) { return; }
    // Typing anywhere in the letter (the editor's content is editable, not a form field) marks it edited.
    var edited = false;
    form.addEventListener("input", function (event) {
      if (event.target !== outcome) { edited = true; }
    });
    outcome.addEventListener("change", function () {
      if (edited && !window.confirm(button.getAttribute("data-confirm"))) { return; }
      if (form.requestSubmit) { form.requestSubmit(button); } else { button.click(); }
    });
  });
})();
