// The alert map: one marker per open alert at its region's point, coloured by level.
(function () {
  "use strict";
  var el = document.getElementById("alerts-map");
  if (!el || !window.L) { return; }
  var map = L.map(el, { preferCanvas: true }).setView([27.9, 113.2], 11);
  var colours = { red: "#b91c1c", orange: "#ea580c", yellow: "#ca8a04", blue: "#1d4ed8" };
  fetch(el.dataset.boundaries, { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) {
      if (!data || !data.features.length) { return; }
      var layer = L.geoJSON(data, { style: { color: "#6b7280", weight: 1, fillOpacity: 0.02 } }).addTo(map);
      map.fitBounds(layer.getBounds());
    });
  fetch(el.dataset.points, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      data.features.forEach(function (f, i) {
        var c = f.geometry.coordinates, p = f.properties;
        // Alerts of one region share its point: fan them out a little so each can be clicked.
        var shift = 0.0015 * (i % 5);
        var m = L.circleMarker([c[1] + shift, c[0] + shift], { radius: 8, color: colours[p.level] || "#1d4ed8", fillOpacity: 0.8 });
        var link = document.createElement("a");
        link.href = "/alerts/" + encodeURIComponent(p.id) + "/";
        link.textContent = p.title;
        m.bindPopup(link);
        m.addTo(map);
      });
      el.dataset.loaded = String(data.features.length);
    });
})();
