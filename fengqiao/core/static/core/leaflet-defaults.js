// Site-wide Leaflet defaults, loaded right after leaflet.js: a plain attribution prefix, and a
// maximum zoom, which maps without a tile layer lack (marker clustering needs one).
(function () {
  "use strict";
  if (!window.L) { return; }
  L.Map.mergeOptions({ maxZoom: 19 });
  L.Control.Attribution.mergeOptions({ prefix: '<a href="https://leafletjs.com">Leaflet</a>' });
})();
