// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Destructive actions ask once.
  document.addEventListener("submit", function (ev) {
    var btn = ev.submitter;
    var msg = btn && btn.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { ev.preventDefault(); }
  });
  // htmx requests carry the session's CSRF token like forms do.
  document.addEventListener("htmx:configRequest", function (ev) {
    var field = document.querySelector("input[name=csrf_token]");
    if (field) { ev.detail.headers["X-CSRF-Token"] = field.value; }
  });
})();

// The report's print button: the browser's own dialog, with the print styles of report.css.
document.addEventListener("click", function (ev) {
  if (ev.target instanceof Element && ev.target.closest("[data-print]")) { window.print(); }
});
