// Intake on a phone: "use my location" fills the map point. The form works without this
// file; the button stays hidden where there is no location service.
(function () {
  "use strict";
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
