// Choosing a location by clicking the map: fills the hidden lon/lat fields (WGS-84).
(function () {
  "use strict";
  var el = document.getElementById("pick-map");
  if (!el || !window.L) { return; }
  var lon = document.getElementById("id_lon"), lat = document.getElementById("id_lat");
  var map = L.map(el), marker = null;
  function place(latlng) {
    if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
    lon.value = latlng.lng.toFixed(6); lat.value = latlng.lat.toFixed(6);
  }
  fetch(el.dataset.boundaries, { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) {
      if (!data || !data.features.length) { map.setView([27.9, 113.2], 11); return; }
      var layer = L.geoJSON(data, { style: { color: "#2f6f9f", weight: 1, fillOpacity: 0.03 } }).addTo(map);
      map.fitBounds(layer.getBounds());
      if (lon.value && lat.value) { place(L.latLng(Number(lat.value), Number(lon.value))); }
    });
  map.on("click", function (e) { place(e.latlng); });
})();
