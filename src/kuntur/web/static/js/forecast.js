/* The forecast page: the latest forecast's flagged cells, why a clicked cell was flagged,
   and the fairness table. Text goes through textContent only. */
"use strict";
(function () {
  const map = kunturBaseMap({ outlines: true });  // the cells are drawn over the outlines
  const COLORS = { very_high: "#bd0026", high: "#fd8d3c" };
  const pct = (x) => `${(100 * x).toFixed(1)} %`;

  function defs(el, rows) {
    el.replaceChildren();
    for (const [k, v] of rows) {
      const dt = document.createElement("dt"); dt.textContent = k;
      const dd = document.createElement("dd"); dd.textContent = v;
      el.append(dt, dd);
    }
  }

  async function explain(forecastId, cell) {
    const why = await getJSON(`/api/forecasts/${forecastId}/cells/${cell}`);
    document.getElementById("cell-panel").hidden = false;
    defs(document.getElementById("cell-body"), [
      [T.rank, `${why.rank} / ${why.of_area_cells} (${why.top_percent} %)`],
      [T.expected, why.expected_events.toFixed(2)],
      [`${T.recent} (${why.recent_days} ${T.days})`, String(why.recent_events)],
      [T.last_year, String(why.year_events)],
      [T.long_term, why.long_term_per_year.toFixed(1)],
      [T.area_mean, why.area_mean_events_per_cell.toFixed(1)],
      [T.district, why.district ? why.district.name : "—"],
      [T.forecast_method, methodLabel(why.method)],
    ]);
    const behind = await getJSON(`/api/forecasts/${forecastId}/cells/${cell}/incidents`);
    document.getElementById("cell-behind").hidden = false;
    const types = document.getElementById("cell-types");
    types.replaceChildren();
    for (const [c, n] of Object.entries(behind.by_category)) {
      const tr = document.createElement("tr");
      const a = document.createElement("td"); a.textContent = KUNTUR.i18n.categories[c] || c;
      const b = document.createElement("td"); b.className = "num"; b.textContent = String(n);
      tr.append(a, b); types.append(tr);
    }
    const hours = document.getElementById("cell-hours");
    hours.replaceChildren();
    const top = Math.max(1, ...behind.by_hour);
    behind.by_hour.forEach((n, h) => {
      const bar = document.createElement("span");
      bar.style.height = `${(100 * n) / top}%`;
      bar.title = `${h}:00–${h}:59 · ${n}`;
      hours.append(bar);
    });
    const list = document.getElementById("cell-incidents");
    list.replaceChildren();
    for (const i of behind.incidents) {
      const li = document.createElement("li");
      li.textContent = `${i.id} · ${limaTime(i.occurred_at)} · ${KUNTUR.i18n.categories[i.category] || i.category} · ${i.district || "—"}`;
      list.append(li);
    }
    list.dataset.count = String(behind.readable);
  }

  function methodLabel(chosen) {
    const key = chosen.split("(")[0];
    return KUNTUR.i18n.methods[key] || key;
  }

  // "smoothing(tau_days=500, ...)" -> "Suavizado exponencial estacional (smoothing, ...)".
  function methodName(f) {
    const key = f.chosen.split("(")[0];
    const label = KUNTUR.i18n.methods[key];
    const plain = label || key;
    return f.method === "auto" && f.params.validation_windows
      ? `${plain} (${f.params.validation_windows} ${T.validation_weeks})`
      : plain;
  }

  function fairnessTable(report) {
    const body = document.getElementById("fairness-body");
    body.replaceChildren();
    const names = Object.fromEntries(report.districts.map((row) => [row.ubigeo, row.name]));
    const over = new Set(report.over_reports);
    // The 25 districts with most flagged area, and every district the warning names.
    const rows = report.districts.filter((row, i) => i < 25 || over.has(row.ubigeo));
    rows.sort((a, b) => b.flagged_share - a.flagged_share || a.name.localeCompare(b.name));
    for (const row of rows) {
      const tr = document.createElement("tr");
      if (over.has(row.ubigeo)) tr.className = "over";
      const ratio = row.ratio_to_reports == null ? "—" : `${row.ratio_to_reports.toFixed(1)} ×`;
      [row.name, pct(row.flagged_share), pct(row.population_share), pct(row.victim_report_share), ratio].forEach((v, i) => {
        const td = document.createElement("td"); td.textContent = v;
        if (i) td.className = "num";
        tr.append(td);
      });
      body.append(tr);
    }
    const warn = document.getElementById("fairness-warning");
    if (report.over_reports.length) {
      warn.hidden = false;
      warn.textContent = `${T.fairness_warning}: ${report.over_reports.map((u) => names[u] || u).join(", ")}`;
    }
  }

  async function load() {
    let f;
    try {
      f = await getJSON("/api/forecasts/latest");
    } catch (e) {
      document.getElementById("forecast-error").textContent = T.forecast_none;
      return;
    }
    const meta = [
      [T.forecast_for, `${limaTime(f.valid_from)} — ${limaTime(f.valid_until)}`],
      [T.forecast_method, methodName(f)],
      [T.category, f.categories.length ? f.categories.map((c) => KUNTUR.i18n.categories[c] || c).join(", ") : T.all],
      [T.forecast_area, `${f.area_cells} ${T.cells} × ${f.cell_size} m`],
    ];
    if (f.exclude_discovered) meta.push([T.excluded, (f.fairness.excluded_categories || []).join(", ")]);
    defs(document.getElementById("forecast-meta"), meta);
    const how = T[`fc_how_${f.chosen.split("(")[0]}`] || "";
    document.getElementById("forecast-how").textContent = how.replaceAll("{size}", String(Math.round(f.cell_size)));
    if (f.method === "auto") {
      const note = document.createElement("p");
      note.className = "note";
      note.textContent = T.forecast_auto;
      document.getElementById("forecast-meta").after(note);
    }
    fairnessTable(f.fairness);
    const cells = await getJSON(`/api/forecasts/${f.id}/cells`);
    const click = (cell) => explain(f.id, cell).catch((e) => {
      document.getElementById("forecast-error").textContent = e.message;
    });
    const layer = L.geoJSON(cells, {
      style: (feat) => ({ color: COLORS[feat.properties.level], weight: 2, fillOpacity: 0.7 }),
      onEachFeature: (feat, lyr) => { lyr.on("click", () => click(feat.properties.cell)); },
    }).addTo(map);
    // At city zoom a 250 m cell is a few pixels: each flagged cell also gets a dot of a
    // readable size, shown while the cells themselves are too small to see or click.
    const dots = L.layerGroup(cells.features.map((feat) => {
      const ring = feat.geometry.coordinates[0];
      const lat = ring.slice(0, 4).reduce((s, p) => s + p[1], 0) / 4;
      const lon = ring.slice(0, 4).reduce((s, p) => s + p[0], 0) / 4;
      const level = feat.properties.level;
      return L.circleMarker([lat, lon], {
        radius: level === "very_high" ? 7 : 5, color: "#fff", weight: 1,
        fillColor: COLORS[level], fillOpacity: 0.9,
      }).on("click", () => click(feat.properties.cell));
    }));
    const zoomDots = () => { if (map.getZoom() < 14) dots.addTo(map); else dots.remove(); };
    map.on("zoomend", zoomDots);
    if (cells.features.length) map.fitBounds(layer.getBounds());
    zoomDots();
    window.kunturForecastDots = dots;
    document.getElementById("map").dataset.cells = String(cells.features.length);
  }

  document.getElementById("cell-close").addEventListener("click", () => {
    document.getElementById("cell-panel").hidden = true;
  });
  load();
})();
