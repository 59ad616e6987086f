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

// The portal's "use my location": the phone's own position (WGS84) into the two fields.
document.addEventListener("click", function (ev) {
  var btn = ev.target instanceof Element && ev.target.closest("[data-locate]");
  if (!btn || !navigator.geolocation) { return; }
  navigator.geolocation.getCurrentPosition(function (pos) {
    document.getElementById("lat").value = pos.coords.latitude.toFixed(6);
    document.getElementById("lon").value = pos.coords.longitude.toFixed(6);
  });
});
