// The case page's map: the grid boundaries and the case's point.
(function () {
  "use strict";
  var el = document.getElementById("case-map");
  if (!el || !window.L) { return; }
  var point = [Number(el.dataset.lat), Number(el.dataset.lon)];
  var map = L.map(el).setView(point, 15);
  fetch(el.dataset.boundaries, { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) {
      if (data) { L.geoJSON(data, { style: { color: "#2f6f9f", weight: 1, fillOpacity: 0.03 } }).addTo(map); }
    });
  L.circleMarker(point, { radius: 8, color: "#b5121b", fillOpacity: 0.8 }).addTo(map);
})();
