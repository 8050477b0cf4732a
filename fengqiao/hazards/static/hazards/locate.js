// Workbench place and hazard forms: fill the longitude/latitude inputs from this device's
// location. Typing the coordinates (or choosing a place) always works without it.
(function () {
  "use strict";
  var button = document.querySelector("[data-gps-fill]");
  var form = document.querySelector("[data-locate-form]");
  if (!button || !form || !("geolocation" in navigator)) { return; }
  var lon = form.querySelector("input[name=lon]");
  var lat = form.querySelector("input[name=lat]");
  if (!lon || !lat) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (pos) {
      lon.value = String(Math.round(pos.coords.longitude * 1e6) / 1e6);
      lat.value = String(Math.round(pos.coords.latitude * 1e6) / 1e6);
      button.disabled = false;
    }, function () {
      button.disabled = false;
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  });
})();
