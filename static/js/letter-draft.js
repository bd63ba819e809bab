/* The reply draft in the back office (applications: 拟定答复). When the outcome changes, redraw
   the letter from the new outcome's template by pressing the form's own "regenerate" button —
   the page works the same without this file, with one click more. A letter already edited by
   hand is only replaced after confirmation. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-regenerate-letter]");
    if (!button || !button.form) { return; }
    var form = button.form;
    var outcome = form.elements.namedItem("outcome");
    var letter = form.elements.namedItem("letter");
    if (!outcome || !letter) { return; }
    var drafted = letter.value;
    outcome.addEventListener("change", function () {
      if (letter.value !== drafted && !window.confirm(button.getAttribute("data-confirm"))) { return; }
      if (form.requestSubmit) { form.requestSubmit(button); } else { button.click(); }
    });
  });
})();
