// Grid worker forms: phone GPS and a pin map fill the hidden lon/lat inputs; checkboxes reveal
// the fields they govern. Without JavaScript every field stays visible and the forms still work.
(function () {
  "use strict";

  // Show the block under a checkbox only while it is ticked (kept visible when it has errors).
  document.querySelectorAll("[data-show-when]").forEach(function (block) {
    var box = document.getElementById(block.getAttribute("data-show-when"));
    if (!box) { return; }
    box.setAttribute("aria-controls", block.id || (block.id = box.id + "-details"));
    function sync() {
      var show = box.checked || block.querySelector(".errorlist") !== null;
      block.hidden = !show;
      box.setAttribute("aria-expanded", String(show));
    }
    box.addEventListener("change", sync);
    sync();
  });

  // After a refused submit, put the keyboard and screen reader on the first field to fix.
  var invalid = document.querySelector(
    "input:not([type=hidden])[aria-invalid=true], select[aria-invalid=true], textarea[aria-invalid=true]"
  ) || document.getElementById("form-alert");
  if (invalid) { invalid.focus(); }

  var box = document.querySelector("[data-locate]");
  if (!box) { return; }
  var lon = box.querySelector("input[name=lon]");
  var lat = box.querySelector("input[name=lat]");
  var status = box.querySelector("[data-status]");
  var gps = box.querySelector("[data-gps]");
  var clear = box.querySelector("[data-clear]");
  var mapEl = document.getElementById("pick-map");
  var map = null, marker = null;

  function say(text) { status.textContent = text; }
  function round(v) { return Math.round(v * 1e6) / 1e6; }
  function has() { return lon.value !== "" && lat.value !== ""; }

  function setPoint(x, y, pan) {
    lon.value = String(round(x));
    lat.value = String(round(y));
    say(box.dataset.msgLocated.replace("{lon}", lon.value).replace("{lat}", lat.value));
    clear.hidden = false;
    if (map) {
      var at = [y, x];
      if (!marker) {
        marker = L.marker(at, { draggable: true, keyboard: true }).addTo(map);
        marker.on("dragend", function () {
          var p = marker.getLatLng();
          setPoint(p.lng, p.lat, false);
        });
      } else {
        marker.setLatLng(at);
      }
      if (pan) { map.setView(at, Math.max(map.getZoom(), 15)); }
    }
  }

  function clearPoint() {
    lon.value = "";
    lat.value = "";
    say(box.dataset.msgNone);
    clear.hidden = true;
    if (marker) { map.removeLayer(marker); marker = null; }
    gps.focus();
  }

  if ("geolocation" in navigator) {
    gps.hidden = false;
    gps.addEventListener("click", function () {
      say(box.dataset.msgLocating);
      gps.disabled = true;
      navigator.geolocation.getCurrentPosition(function (pos) {
        gps.disabled = false;
        setPoint(pos.coords.longitude, pos.coords.latitude, true);
      }, function (err) {
        gps.disabled = false;
        say(err.code === 1 ? box.dataset.msgDenied : box.dataset.msgFailed);
      }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
    });
  }
  clear.addEventListener("click", clearPoint);

  if (mapEl && window.L) {
    try {
      var data = JSON.parse(document.getElementById("grid-boundaries").textContent);
      map = L.map(mapEl, { preferCanvas: true });
      if (mapEl.dataset.tileUrl) {
        L.tileLayer(mapEl.dataset.tileUrl, { attribution: mapEl.dataset.tileAttribution || "" }).addTo(map);
      }
      var layer = L.geoJSON(data, {
        style: { color: "#2f6f9f", weight: 2, fillOpacity: 0.08 },
        onEachFeature: function (f, l) { l.bindTooltip(f.properties.name); }
      }).addTo(map);
      if (data.features.length) { map.fitBounds(layer.getBounds()); } else { map.setView([28, 113], 12); }
      map.on("click", function (e) { setPoint(e.latlng.lng, e.latlng.lat, false); });
      // Keyboard: arrows pan, +/- zoom (Leaflet), Enter puts the pin at the map's centre.
      mapEl.addEventListener("keydown", function (e) {
        if (e.key === "Enter") {
          e.preventDefault();
          var c = map.getCenter();
          setPoint(c.lng, c.lat, false);
        }
      });
    } catch (e) {
      map = null;
      mapEl.textContent = box.dataset.msgMapFailed;
    }
  } else if (mapEl) {
    mapEl.hidden = true;
  }
  if (has()) { setPoint(parseFloat(lon.value), parseFloat(lat.value), false); }
})();
