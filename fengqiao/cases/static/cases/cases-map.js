// The case map: clustered markers of the filtered cases over the grid boundaries.
(function () {
  "use strict";
  var el = document.getElementById("cases-map");
  if (!el || !window.L) { return; }
  var map = L.map(el, { preferCanvas: true }).setView([27.9, 113.2], 11);
  var colours = { overdue: "#b91c1c", due_soon: "#b45309", normal: "#1d4ed8" };
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
      var cluster = L.markerClusterGroup();
      data.features.forEach(function (f) {
        var c = f.geometry.coordinates, p = f.properties;
        var m = L.circleMarker([c[1], c[0]], { radius: 6, color: colours[p.deadline_state] || "#1d4ed8", fillOpacity: 0.8 });
        var link = document.createElement("a");
        link.href = "/cases/" + encodeURIComponent(p.number) + "/";
        link.textContent = p.number;
        var box = document.createElement("div");
        box.appendChild(link);
        box.appendChild(document.createElement("br"));
        box.appendChild(document.createTextNode(p.title + "（" + p.status + "）"));
        m.bindPopup(box);
        cluster.addLayer(m);
      });
      map.addLayer(cluster);
      el.dataset.loaded = String(data.features.length);
    });
})();
