/* A redaction job's page while it runs (issue #20): the progress line follows the job without
   reloading the page — a timed reload (<meta http-equiv=refresh>) moves focus and the reader's
   place every two seconds (WCAG 2.2.1, axe: meta-refresh). Once the job has finished the page
   is loaded once more to show the result. Without JavaScript the "立即刷新" link does it. */
(function () {
  "use strict";
  var line = document.getElementById("rd-progress-line");
  if (!line) { return; }
  function poll() {
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("rd-progress-line");
        if (!fresh) { window.location.reload(); return; }
        line.innerHTML = fresh.innerHTML;
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  window.setTimeout(poll, 2000);
})();
