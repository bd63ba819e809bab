/* Name the rich-text editor after its field's label (WCAG 4.1.2): the editor (django-prose-editor)
   replaces the labelled <textarea> with an editable area of role "textbox" that screen readers would
   otherwise announce without a name. The editor starts asynchronously, so wait for it to appear. */
(function () {
  "use strict";
  function label(textarea) {
    var tag = textarea.id && document.querySelector('label[for="' + textarea.id + '"]');
    if (!tag) { return false; }
    var box = textarea.parentNode;
    for (var depth = 0; box && depth < 4; depth += 1, box = box.parentNode) {
      var editable = box.querySelector && box.querySelector('[contenteditable="true"]');
      if (editable) {
        if (!tag.id) { tag.id = textarea.id + "-label"; }
        editable.setAttribute("aria-labelledby", tag.id);
        return true;
      }
    }
    return false;
  }
  function run() {
    var pending = Array.prototype.filter.call(document.querySelectorAll("textarea[id]"), function (textarea) {
      return Array.prototype.some.call(textarea.attributes, function (attribute) {
        return attribute.name.indexOf("data-django-prose-editor") === 0;
      });
    });
    if (!pending.length) { return; }
    var observer = new MutationObserver(function () {
      pending = pending.filter(function (textarea) { return !label(textarea); });
      if (!pending.length) { observer.disconnect(); }
    });
    pending = pending.filter(function (textarea) { return !label(textarea); });
    if (pending.length) { observer.observe(document.body, {childList: true, subtree: true}); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", run); } else { run(); }
})();
