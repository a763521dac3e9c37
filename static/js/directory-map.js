/* Maps of the directory: one structure's marker (#structure-map) and the clustered map of all
   structures (#directory-map). Data comes from data-* attributes; no inline script (CSP). */
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }

  function tiles(el) {
    return L.tileLayer(el.dataset.tileUrl, { maxZoom: 19, attribution: el.dataset.attribution });
  }

  var one = document.getElementById("structure-map");
  if (one) {
    var lat = parseFloat(one.dataset.lat), lon = parseFloat(one.dataset.lon);
    var map = L.map(one).setView([lat, lon], 15);
    tiles(one).addTo(map);
    L.marker([lat, lon], { title: one.dataset.name, alt: one.dataset.name }).addTo(map)
      .bindPopup(document.createTextNode(one.dataset.name));
  }

  var all = document.getElementById("directory-map");
  if (all) {
    var big = L.map(all).setView([42.0, 25.0], 8);
    tiles(all).addTo(big);
    var cluster = L.markerClusterGroup ? L.markerClusterGroup() : L.layerGroup();
    big.addLayer(cluster);
    fetch(all.dataset.pointsUrl, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var bounds = [];
        data.points.forEach(function (p) {
          var link = document.createElement("a");
          link.href = p.url;
          link.textContent = p.name;
          var popup = document.createElement("div");
          popup.appendChild(link);
          popup.appendChild(document.createElement("br"));
          popup.appendChild(document.createTextNode(p.kind));
          cluster.addLayer(L.marker([p.lat, p.lon], { title: p.name, alt: p.name }).bindPopup(popup));
          bounds.push([p.lat, p.lon]);
        });
        if (bounds.length) { big.fitBounds(bounds, { padding: [20, 20], maxZoom: 14 }); }
        all.dataset.loaded = String(data.points.length);
      });
    var layer = null;
    var toggle = document.getElementById("show-boundaries");
    if (toggle) {
      toggle.addEventListener("change", function () {
        if (!toggle.checked) { if (layer) { big.removeLayer(layer); } return; }
        if (layer) { big.addLayer(layer); return; }
        fetch(all.dataset.boundariesUrl).then(function (r) { return r.json(); }).then(function (g) {
          layer = L.geoJSON(g, { style: { color: "#0b4f8a", weight: 1, fillOpacity: 0.05 } });
          big.addLayer(layer);
        });
      });
    }
  }
})();
