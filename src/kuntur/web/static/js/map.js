/* The operational map: district boundaries, H3 density when zoomed out, points when zoomed in. */
"use strict";
(function () {
  const map = kunturBaseMap();  // its own clickable boundaries, below
  const boundaries = L.geoJSON(null, {
    style: { color: "#5b6b7a", weight: 1, fillColor: "#ffffff", fillOpacity: 0.55 },
    onEachFeature: (f, layer) => layer.bindTooltip(f.properties.district, { sticky: true }),
  }).addTo(map);
  const incidents = L.layerGroup().addTo(map);
  // District outlines drawn again above the incidents, not clickable, so both stay readable.
  const outlines = L.geoJSON(null, {
    interactive: false, style: { color: "#37474f", weight: 1, fill: false, opacity: 0.7 },
  }).addTo(map);
  const RAMP = ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"];
  let seq = 0;


  function bboxParam() {
    const b = map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(5)).join(",");
  }

  function legend(max) {
    const el = document.getElementById("legend");
    el.replaceChildren();
    RAMP.forEach((c, i) => {
      const row = document.createElement("div");
      const sw = document.createElement("span"); sw.style.background = c;
      const lo = Math.round(Math.pow(max, i / RAMP.length));
      row.append(sw, document.createTextNode(`≥ ${lo}`));
      el.append(row);
    });
  }

  function cellStyle(count, max) {
    const i = Math.min(RAMP.length - 1, Math.floor(RAMP.length * Math.log(count) / Math.log(max + 1)));
    return { color: RAMP[i], weight: 0.5, fillColor: RAMP[i], fillOpacity: 0.6 };
  }

  function drawCells(layer) {
    const max = layer.counts.reduce((a, b) => Math.max(a, b), 1);
    legend(max);
    layer.cells.forEach((cell, k) => {
      // h3-js gives [lat, lng] pairs, which is what Leaflet wants.
      const poly = L.polygon(h3.cellToBoundary(cell), cellStyle(layer.counts[k], max));
      poly.bindTooltip(`${layer.counts[k]} ${T.incidents}`);
      incidents.addLayer(poly);
    });
    document.getElementById("layer-kind").textContent = `${T.density}: H3 r${layer.resolution}, ${layer.cells.length}`;
  }

  function drawPoints(layer) {
    document.getElementById("legend").replaceChildren();
    layer.ids.forEach((id, k) => {
      const color = CATEGORY_COLORS[layer.category[k]] || "#333";
      const m = L.circleMarker([layer.lat[k], layer.lon[k]], { radius: 6, color: "#fff", weight: 1, fillColor: color, fillOpacity: 0.9 });
      m.bindTooltip(`${KUNTUR.i18n.categories[layer.category[k]]} — ${limaTime(layer.occurred_utc[k])}`);
      m.on("click", () => openIncident(id));
      incidents.addLayer(m);
    });
    document.getElementById("layer-kind").textContent =
      `${T.points}: ${layer.ids.length}` + (layer.truncated ? ` — ${T.truncated}` : "");
  }

  async function refresh() {
    const mine = ++seq;
    const p = filterParams();
    p.set("bbox", bboxParam());
    p.set("format", "compact");
    document.getElementById("layer-kind").textContent = T.loading;
    try {
      const layer = await getJSON(`/api/incidents/map?${p}`);
      if (mine !== seq) return;  // a newer request superseded this one
      incidents.clearLayers();
      const shown = layer.kind === "cells" ? layer.cells.length : layer.ids.length;
      document.getElementById("view-count").textContent = layer.total === null
        ? `> ${shown.toLocaleString(KUNTUR.lang)}`
        : layer.total.toLocaleString(KUNTUR.lang);
      if (layer.kind === "cells") drawCells(layer); else drawPoints(layer);
      if (layer.total === 0) document.getElementById("layer-kind").textContent = T.none;
      document.getElementById("map").dataset.kind = layer.kind;
      document.getElementById("map").dataset.features = String(shown);
    } catch (e) {
      document.getElementById("layer-kind").textContent = e.message;
    }
  }

  // The latest forecast's flagged cells over the operational picture (the forecast page
  // explains each one). Drawn on demand; not clickable, so incidents stay clickable.
  const forecastCells = L.geoJSON(null, {
    interactive: false,
    style: (f) => ({
      color: f.properties.level === "very_high" ? "#bd0026" : "#fd8d3c", weight: 2, fill: false,
    }),
  });
  document.getElementById("show-forecast").addEventListener("change", async (ev) => {
    const note = document.getElementById("forecast-note");
    if (!ev.target.checked) { map.removeLayer(forecastCells); note.textContent = ""; return; }
    try {
      const f = await getJSON("/api/forecasts/latest");
      const cells = await getJSON(`/api/forecasts/${f.id}/cells`);
      forecastCells.clearLayers();
      forecastCells.addData(cells).addTo(map);
      note.textContent = `${cells.features.length} ${T.cells}, ${limaTime(f.valid_from)} — ${limaTime(f.valid_until)}`;
      document.getElementById("map").dataset.forecastCells = String(cells.features.length);
    } catch (e) {
      note.textContent = T.forecast_none;
    }
  });

  // Units and orders, live, for those who may see the command picture.
  const unitsBox = document.getElementById("show-units");
  if (unitsBox) {
    const live = kunturLive(map, {});
    live.start().catch(() => { unitsBox.disabled = true; });
    unitsBox.addEventListener("change", () => {
      for (const layer of [live.unitLayer, live.orderLayer]) {
        if (unitsBox.checked) layer.addTo(map); else map.removeLayer(layer);
      }
    });
  }

  initFilters(() => {
    const d = document.getElementById("f-district").value;
    const selected = d && boundaries.getLayers().find((l) => l.feature.properties.ubigeo === d);
    if (selected) map.fitBounds(selected.getBounds()); else refresh();
  });
  // Boundaries first, then fit Lima and Callao in the window; that move draws the first
  // layer. Without boundaries (an error), draw the default view anyway.
  getJSON("/api/geography/boundaries/lima-callao").then((g) => {
    boundaries.addData(g);
    outlines.addData(g);
    boundaries.bringToBack();
    map.on("moveend", refresh);
    map.fitBounds(boundaries.getBounds(), { padding: [10, 10] });
  }).catch(() => { map.on("moveend", refresh); refresh(); });
})();
