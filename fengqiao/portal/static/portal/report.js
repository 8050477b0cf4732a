// Report page, progressive enhancement: "use my location" (browser geolocation, WGS-84) and a
// map to drop a pin on, both filling the hidden lon/lat fields. Without JavaScript both stay
// hidden and the resident chooses a community from the list instead.
(function () {
  "use strict";
  var lon = document.getElementById("id_lon");
  var lat = document.getElementById("id_lat");
  var status = document.getElementById("location-status");
  var gps = document.getElementById("use-location");
  var clear = document.getElementById("clear-location");
  var el = document.getElementById("pick-map");
  if (!lon || !lat || !status) { return; }
  var map = null;
  var marker = null;

  function round(v) { return Math.round(v * 1e6) / 1e6; }

  function show(lng, la) {
    status.textContent = status.dataset.picked + "（" + round(lng).toFixed(5) + ", " + round(la).toFixed(5) + "）";
    if (clear) { clear.hidden = false; }
    if (map) {
      if (marker) { marker.setLatLng([la, lng]); } else { marker = L.marker([la, lng]).addTo(map); }
    }
  }

  function pick(lng, la) {
    lon.value = String(round(lng));
    lat.value = String(round(la));
    show(lng, la);
  }

  if (clear) {
    clear.addEventListener("click", function () {
      lon.value = ""; lat.value = ""; status.textContent = "";
      clear.hidden = true;
      if (marker && map) { map.removeLayer(marker); marker = null; }
    });
  }

  if (gps && navigator.geolocation) {
    gps.hidden = false;
    var label = gps.textContent;
    gps.addEventListener("click", function () {
      gps.disabled = true;
      gps.textContent = gps.dataset.locating;
      navigator.geolocation.getCurrentPosition(function (pos) {
        gps.disabled = false; gps.textContent = label;
        pick(pos.coords.longitude, pos.coords.latitude);
        if (map) { map.setView([pos.coords.latitude, pos.coords.longitude], 16); }
      }, function () {
        gps.disabled = false; gps.textContent = label;
        status.textContent = gps.dataset.denied;
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  if (el && window.L && window.fetch) {
    el.hidden = false;
    map = L.map(el, { preferCanvas: true });
    map.setView([0, 0], 2);
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "" }).addTo(map);
    }
    var load = function (url, style, fit) {
      return fetch(url).then(function (r) {
        if (!r.ok) { throw new Error(String(r.status)); }
        return r.json();
      }).then(function (data) {
        var layer = L.geoJSON(data, {
          style: style,
          interactive: false
        }).addTo(map);
        if (fit && data.features.length && !marker) { map.fitBounds(layer.getBounds(), { animate: false }); }
        return data;
      });
    };
    load(el.dataset.grids, { color: "#2f6f9f", weight: 1, fillOpacity: 0.04 }, false)
      .then(function () {
        return load(el.dataset.communities, { color: "#b5121b", weight: 2, fill: false }, true);
      })
      .then(function (data) {
        // Names in the middle of each community help people find their place without tiles.
        data.features.forEach(function (f) {
          var bounds = L.geoJSON(f).getBounds();
          L.tooltip({ permanent: true, direction: "center", className: "area-name" })
            .setLatLng(bounds.getCenter()).setContent(f.properties.name).addTo(map);
        });
      })
      .catch(function () { status.textContent = el.dataset.failed; el.hidden = true; });
    map.on("click", function (e) { pick(e.latlng.lng, e.latlng.lat); });
    if (lon.value && lat.value) {
      show(parseFloat(lon.value), parseFloat(lat.value));
      map.setView([parseFloat(lat.value), parseFloat(lon.value)], 15);
    }
  } else if (lon.value && lat.value) {
    show(parseFloat(lon.value), parseFloat(lat.value));
  }
})();
