/* The patrol plan page: the newest plan's posts on the map with their reach (circles), the
   risk left uncovered (red dots and a list), the figures (covered, expected, where the units
   are now, bound and gap), each post's unit, legal basis, order and visit sheet; a button to
   prepare the shift's plan, and the approve button only for those who may approve. Text
   goes through textContent. */
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const map = kunturBaseMap({ outlines: true });
  const layer = L.layerGroup().addTo(map);
  const can = new Set(KUNTUR.can || []);
  const lang = KUNTUR.lang || "es";
  const pct = (x, total) => (total > 0 ? `${(100 * x / total).toFixed(1)} %` : "—");
  const num = (x) => Number(x).toLocaleString(lang === "es" ? "es-PE" : "en-GB", { maximumFractionDigits: 2 });
  let plan = null;

  function meta(p) {
    const dl = $("plan-meta");
    dl.replaceChildren();
    const rows = [
      [T.patrol_shift, `${limaTime(p.starts_at)} – ${limaTime(p.ends_at)}`],
      [T.patrol_status, p.status === "approved" ? T.patrol_status_approved : T.patrol_status_draft],
      [T.patrol_forecast, `#${p.forecast.id}`],
      [T.patrol_covered, `${num(p.objective)} / ${num(p.total)} (${pct(p.objective, p.total)})`],
      [T.patrol_expected, `${num(p.expected)} (${pct(p.expected, p.total)})`],
      [T.patrol_current, `${num(p.current.covered)} (${pct(p.current.covered, p.total)})`],
      [T.patrol_bound, `${num(p.bound)}; ${(100 * p.gap).toFixed(2)} %`],
      [T.patrol_uncovered, `${num(p.uncovered_risk)} (${p.uncovered_cells})`],
      [T.patrol_busy, p.types.map((t) => `${t.unit_type}: ${(100 * t.busy).toFixed(0)} %`).join(", ")],
    ];
    for (const [k, v] of rows) {
      const dt = document.createElement("dt"); dt.textContent = k;
      const dd = document.createElement("dd"); dd.textContent = v;
      dl.append(dt, dd);
    }
  }

  function posts(p) {
    const body = $("posts-body");
    body.replaceChildren();
    for (const post of p.posts) {
      const tr = document.createElement("tr");
      tr.dataset.unit = post.call_sign;
      const cells = [
        String(post.rank),
        `${post.call_sign} (${post.agency})`,
        `${post.lat.toFixed(5)}, ${post.lon.toFixed(5)}` + (post.fixed ? ` · ${T.patrol_fixed}` : ""),
        num(post.covered_risk),
        post.legal_basis ? (lang === "es" ? post.legal_basis.label_es : post.legal_basis.label_en) : T.patrol_no_basis,
        post.order_id ? `#${post.order_id} ${T["order_" + post.order_status] || ""}` : "—",
      ];
      for (const c of cells) { const td = document.createElement("td"); td.textContent = c; tr.append(td); }
      const td = document.createElement("td");
      if (post.kind === "patrol") {
        const a = document.createElement("a"); a.href = post.sheet_url; a.target = "_blank";
        a.textContent = `${T.patrol_sheet} (${post.stops})`; td.append(a);
      } else { td.textContent = T["patrol_kind_" + post.kind] || "—"; }
      tr.append(td);
      body.append(tr);
      L.circle([post.lat, post.lon], { radius: post.reach_m, color: post.military ? "#3b6e22" : "#1f5fa8", weight: 1, fillOpacity: 0.08 }).addTo(layer);
      L.circleMarker([post.lat, post.lon], { radius: 5, color: "#0b2e59", fillOpacity: 0.9 })
        .bindTooltip(post.call_sign).addTo(layer);
    }
    body.dataset.rows = String(p.posts.length);
  }

  function lists(p) {
    const un = $("plan-uncovered"); un.replaceChildren();
    for (const d of p.uncovered_by_district.slice(0, 10)) {
      const li = document.createElement("li"); li.textContent = `${d.name}: ${num(d.risk)}`; un.append(li);
    }
    for (const c of p.uncovered) {
      L.circleMarker([c.lat, c.lon], { radius: 3, color: "#bd0026", fillOpacity: 0.8 }).addTo(layer);
    }
    const rs = $("plan-reserve"); rs.replaceChildren();
    for (const r of p.reserve) {
      const li = document.createElement("li");
      li.textContent = r.reason ? `${r.call_sign}: ${lang === "es" ? r.reason.es : r.reason.en}` : r.call_sign;
      rs.append(li);
    }
  }

  function show(p) {
    plan = p;
    layer.clearLayers();
    $("plan-none").hidden = Boolean(p);
    if (!p) { $("plan-meta").replaceChildren(); $("posts-body").replaceChildren(); $("posts-body").dataset.rows = "0"; $("plan-approve").hidden = true; return; }
    meta(p); posts(p); lists(p);
    const draft = p.status === "draft";
    $("plan-approve").hidden = !(draft && can.has("patrol.approve"));
    $("plan-approve-needs").hidden = !(draft && !can.has("patrol.approve"));
  }

  async function load() {
    try { show((await getJSON("/api/patrol/plans/latest")).plan); }
    catch (e) { $("plan-error").textContent = e.message; }
  }

  $("plan-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    $("plan-error").textContent = "";
    const start = new Date(); start.setSeconds(0, 0);
    const end = new Date(start.getTime() + 8 * 3600 * 1000);
    try {
      show(await postJSON("/api/patrol/plans", {
        starts_at: start.toISOString(), ends_at: end.toISOString(),
        include_discovered: $("plan-discovered").checked,
        region: $("plan-region").value.split(","),
      }));
    } catch (e) { $("plan-error").textContent = e.message; }
  });
  $("plan-approve").addEventListener("click", async () => {
    if (!plan) return;
    $("plan-error").textContent = "";
    try { show(await postJSON(`/api/patrol/plans/${plan.id}/approve`)); }
    catch (e) { $("plan-error").textContent = e.message; }
  });
  load();
})();
