// The map of an organisation's seat (Leaflet); the data comes from data-* attributes (CSP).
(function () {
  "use strict";
  var el = document.getElementById("ngo-map");
  if (!el || typeof L === "undefined") return;
  var lat = parseFloat(el.dataset.lat), lon = parseFloat(el.dataset.lon);
  if (isNaN(lat) || isNaN(lon)) return;
  var map = L.map(el).setView([lat, lon], 12);
  L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: "&copy; OpenStreetMap contributors" }).addTo(map);
  L.marker([lat, lon]).addTo(map).bindPopup(el.dataset.label);
})();
