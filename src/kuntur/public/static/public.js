/* The public statistics map: Lima and Callao districts coloured by the released (noisy)
   counts of the chosen month. Data from the page itself and the public boundaries API;
   text through textContent only. */
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("public-data").textContent);
  const el = document.getElementById("public-map");
  if (!el || typeof L === "undefined") return;
  const map = L.map(el, { zoomControl: true, attributionControl: true });
  if (data.tile_url) {
    L.tileLayer(data.tile_url, { attribution: data.tile_attribution, maxZoom: 18 }).addTo(map);
  }
  const totals = Object.values(data.districts).map((d) => d.total);
  const top = Math.max(1, ...totals);
  const shades = ["#f1eef6", "#d4b9da", "#c994c7", "#df65b0", "#dd1c77", "#980043"];
  function colour(total) {
    if (total === undefined) return "#dddddd";
    if (total < data.min_count) return shades[0];
    const i = 1 + Math.min(shades.length - 2, Math.floor((total / top) * (shades.length - 1)));
    return shades[i];
  }
  function label(d) {
    return typeof d.shown === "string" ? data.less_than : String(d.shown);
  }
  fetch("/api/geography/boundaries/lima-callao").then((r) => r.json()).then((g) => {
    const layer = L.geoJSON(g, {
      style: (f) => {
        const d = data.districts[f.properties.ubigeo];
        return { color: "#4a5a68", weight: 1, fillOpacity: 0.75, fillColor: colour(d && d.total) };
      },
      onEachFeature: (f, lyr) => {
        const d = data.districts[f.properties.ubigeo];
        if (!d) return;
        const box = document.createElement("div");
        const name = document.createElement("strong");
        name.textContent = d.name;
        const value = document.createElement("div");
        value.textContent = label(d);
        box.append(name, value);
        lyr.bindTooltip(box);
      },
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [6, 6] });
    el.dataset.districts = String(layer.getLayers().length);
  }).catch(() => { el.dataset.districts = "0"; });
})();
