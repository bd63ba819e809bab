/* Issue #18: as the citizen describes the information wanted, show up to five published records
   that may already answer it. Progressive enhancement: without this file the form's
   "先看看是否已公开" button does the same on the server. */
(function () {
  "use strict";
  var DELAY = 400; // ms after the last keystroke
  var MIN_LENGTH = 2;

  document.addEventListener("DOMContentLoaded", function () {
    var region = document.getElementById("apply-hints");
    var title = document.getElementById("id_information_title");
    var description = document.getElementById("id_description");
    if (!region || !description || !window.fetch) { return; }
    var timer = null;
    var last = "";
    var seen = false; // the server counts a page once, the first time it shows hints
    var pending = null;

    function text(tag, content, className) {
      var node = document.createElement(tag);
      if (content) { node.textContent = content; }
      if (className) { node.className = className; }
      return node;
    }

    function show(hints) {
      while (region.firstChild) { region.removeChild(region.firstChild); }
      if (!hints.length) { return; }
      seen = true;
      var box = text("div", "", "notice");
      box.appendChild(text("p", region.getAttribute("data-heading"), "notice-title"));
      var list = text("ul", "", "apply-hint-list");
      hints.forEach(function (hint) {
        var item = document.createElement("li");
        var link = text("a", hint.title);
        link.href = hint.url;
        link.target = "_blank";
        link.rel = "noopener";
        link.appendChild(text("span", region.getAttribute("data-new-window"), "visually-hidden"));
        item.appendChild(link);
        var meta = [hint.office, hint.published];
        if (hint.on_request) { meta.push(hint.attribute); }
        item.appendChild(text("span", meta.join(" · "), "apply-hint-meta"));
        list.appendChild(item);
      });
      box.appendChild(list);
      box.appendChild(text("p", region.getAttribute("data-note")));
      region.appendChild(box);
    }

    function ask() {
      var query = description.value.trim();
      var named = title ? title.value.trim() : "";
      var key = named + "\n" + query;
      if (key === last) { return; }
      last = key;
      if ((named + query).length < MIN_LENGTH) { show([]); return; }
      if (pending && pending.abort) { pending.abort(); }
      pending = window.AbortController ? new AbortController() : null;
      var url = region.getAttribute("data-url") + "?title=" + encodeURIComponent(named.slice(0, 300)) +
        "&q=" + encodeURIComponent(query.slice(0, 1000)) + (seen ? "&seen=1" : "");
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"},
                  signal: pending ? pending.signal : undefined})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data) { show(data.hints || []); } })
        .catch(function () { /* offline or aborted: the button still works */ });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY);
    }

    description.addEventListener("input", later);
    if (title) { title.addEventListener("input", later); }
    if (description.value || (title && title.value)) { ask(); }
  });
})();
