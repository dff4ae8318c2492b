/* Response KPIs: p50/p90 per group against the targets. */
"use strict";
(function () {
  const fmt = (s) => (s == null ? "—" : s >= 90 ? `${(s / 60).toFixed(1)} min` : `${Math.round(s)} s`);
  const pct = (x) => (x == null ? "—" : `${(100 * x).toFixed(0)} %`);
  async function load() {
    const group = document.getElementById("kpi-group").value;
    const data = await getJSON(`/api/dispatch/kpis?group=${encodeURIComponent(group)}`);
    const body = document.getElementById("kpi-body");
    body.replaceChildren();
    for (const r of data.rows) {
      const tr = document.createElement("tr");
      const label = group === "priority" ? `P${r.group}` : (r.label || r.group);
      const cells = [
        label, String(r.call_to_dispatch.n),
        `${fmt(r.call_to_dispatch.p50_s)} / ${fmt(r.call_to_dispatch.p90_s)}`, pct(r.call_to_dispatch.within_target),
        `${fmt(r.dispatch_to_arrival.p50_s)} / ${fmt(r.dispatch_to_arrival.p90_s)}`, pct(r.dispatch_to_arrival.within_target),
        `${fmt(r.on_scene.p50_s)} / ${fmt(r.on_scene.p90_s)}`,
      ];
      for (const c of cells) { const td = document.createElement("td"); td.textContent = c; tr.append(td); }
      body.append(tr);
    }
    body.dataset.rows = String(data.rows.length);
  }
  document.getElementById("kpi-group").addEventListener("change", load);
  load();
})();
