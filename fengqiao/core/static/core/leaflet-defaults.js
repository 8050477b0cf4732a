// Site-wide Leaflet defaults, loaded right after leaflet.js: a plain attribution prefix.
(function () {
  "use strict";
  if (!window.L) { return; }
  L.Control.Attribution.mergeOptions({ prefix: '<a href="https://leafletjs.com">Leaflet</a>' });
})();
