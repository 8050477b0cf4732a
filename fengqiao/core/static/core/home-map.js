// Draws the user's jurisdiction: grid boundaries from the database, thicker community and
// street outlines, and map tiles only when a tile URL is configured (maps work offline).
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var map = L.map(el, { preferCanvas: true });
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "" }).addTo(map);
  }
  var styles = {
    grid: { color: "#2f6f9f", weight: 1, fillOpacity: 0.05 },
    community: { color: "#c0392b", weight: 2, fill: false },
    street: { color: "#111", weight: 3, fill: false }
  };
  function load(url, style, fit) {
    return fetch(url, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          style: style,
          onEachFeature: function (f, l) { l.bindTooltip(f.properties.name + "（" + f.properties.code + "）"); }
        }).addTo(map);
        if (fit && data.features.length) { map.fitBounds(layer.getBounds()); }
        el.dataset.loaded = String(Number(el.dataset.loaded || 0) + data.features.length);
        return layer;
      });
  }
  load(el.dataset.grids, styles.grid, true)
    .then(function () { return load(el.dataset.communities, styles.community, false); })
    .then(function () { return load(el.dataset.streets, styles.street, false); })
    .catch(function (e) { el.textContent = "地图数据加载失败：" + e.message; });
})();
