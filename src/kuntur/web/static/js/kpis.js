/* Response KPIs: median and p90 per group, in minutes, against the targets, over a stated
   period. Cells are coloured by the share within target (green 90 % or more, yellow 70-89 %,
   red below); groups of fewer than 30 incidents are marked as small samples. */
"use strict";
(function () {
  const SMALL = 30;
  const min = (s) => (s == null ? "—" : (s / 60).toFixed(1).replace(".", KUNTUR.lang === "es" ? "," : "."));
  const pct = (x) => (x == null ? "—" : `${(100 * x).toFixed(0)} %`);
  const grade = (x) => (x == null ? "" : x >= 0.9 ? "ok" : x >= 0.7 ? "warn" : "bad");
  const day = (d) => new Intl.DateTimeFormat(KUNTUR.lang === "es" ? "es-PE" : "en-GB", { timeZone: "America/Lima", dateStyle: "medium" }).format(d);
  async function load() {
    const group = document.getElementById("kpi-group").value;
    const days = Number(document.getElementById("kpi-days").value);
    const end = new Date();
    const start = new Date(end.getTime() - days * 86400000);
    const q = new URLSearchParams({ group, start: start.toISOString(), end: end.toISOString() });
    const data = await getJSON(`/api/dispatch/kpis?${q}`);
    document.getElementById("kpi-period").textContent = `${T.kpi_showing} ${day(start)} ${T.kpi_to} ${day(end)}`;
    document.getElementById("kpi-period").dataset.days = String(days);
    const body = document.getElementById("kpi-body");
    body.replaceChildren();
    for (const r of data.rows) {
      const tr = document.createElement("tr");
      const n = r.call_to_dispatch.n;
      if (n < SMALL) { tr.className = "small"; tr.title = T.kpi_small; }
      const label = group === "priority" ? `P${r.group}` : (r.label || r.group);
      const cells = [
        [label + (n < SMALL ? " *" : ""), ""], [String(n), "num"],
        [`${min(r.call_to_dispatch.p50_s)} / ${min(r.call_to_dispatch.p90_s)}`, "num"],
        [pct(r.call_to_dispatch.within_target), `num ${grade(r.call_to_dispatch.within_target)}`],
        [`${min(r.dispatch_to_arrival.p50_s)} / ${min(r.dispatch_to_arrival.p90_s)}`, "num"],
        [pct(r.dispatch_to_arrival.within_target), `num ${grade(r.dispatch_to_arrival.within_target)}`],
        [`${min(r.on_scene.p50_s)} / ${min(r.on_scene.p90_s)}`, "num"],
      ];
      for (const [text, cls] of cells) {
        const td = document.createElement("td"); td.textContent = text; if (cls) td.className = cls; tr.append(td);
      }
      body.append(tr);
    }
    body.dataset.rows = String(data.rows.length);
    body.dataset.n = String(data.rows.reduce((s, r) => s + r.call_to_dispatch.n, 0));
  }
  document.getElementById("kpi-group").addEventListener("change", load);
  document.getElementById("kpi-days").addEventListener("change", load);
  load();
})();
