// Intake on a phone: "use my location" fills the map point, and choosing a resident found
// by a name's first characters fills in the whole name. The form works without this file;
// the location button stays hidden where there is no location service.
(function () {
  "use strict";
  document.addEventListener("change", function (ev) {
    var m = /^p(\d)_resident_id$/.exec(ev.target.name || "");
    var name = ev.target.getAttribute("data-name");
    var field = m && document.getElementById("nc-p" + m[1] + "-name");
    if (field && name) { field.value = name; }
  });
  var btn = document.getElementById("nc-locate");
  if (!btn || !("geolocation" in navigator)) { return; }
  var status = document.getElementById("nc-locate-status");
  var lon = document.getElementById("nc-lon");
  var lat = document.getElementById("nc-lat");
  btn.hidden = false;
  btn.addEventListener("click", function () {
    status.textContent = btn.getAttribute("data-busy");
    btn.disabled = true;
    navigator.geolocation.getCurrentPosition(function (pos) {
      lon.value = pos.coords.longitude.toFixed(6);
      lat.value = pos.coords.latitude.toFixed(6);
      status.textContent = btn.getAttribute("data-done");
      btn.disabled = false;
    }, function () {
      status.textContent = btn.getAttribute("data-failed");
      btn.disabled = false;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
})();
