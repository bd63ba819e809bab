// Every back-office page (templates/admin/base_site.html).
//
// The rich-text editor (django-prose-editor) draws its own editing box, role="textbox", beside the
// hidden <textarea> that the field's <label> names; the box itself had no name, so a screen
// reader announced an anonymous text box (WCAG 4.1.2). Give each box its field's label — the
// editors are drawn by modules after the page loads, hence the observer.
(function () {
  "use strict";

  function nameEditors() {
    document.querySelectorAll(".prose-editor [contenteditable='true']:not([aria-labelledby])").forEach(function (box) {
      var textarea = box.closest(".prose-editor").querySelector("textarea[id]");
      var label = textarea && document.querySelector("label[for='" + textarea.id + "']");
      if (!label) return;
      if (!label.id) label.id = textarea.id + "_label";
      box.setAttribute("aria-labelledby", label.id);
    });
  }

  new MutationObserver(nameEditors).observe(document.documentElement, {childList: true, subtree: true});
  document.addEventListener("DOMContentLoaded", nameEditors);
})();
