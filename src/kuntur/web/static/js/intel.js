/* Extortion networks for intelligence analysts: the ranked list, and a link chart that
   grows as you expand neighbours (click a node), filtered by entity type and period. Every
   request carries the analyst's purpose (X-Purpose: the number of an open case they are a
   member of; the server checks it) and is logged with it. The analyst's cases are listed
   so one click states one.
   Text goes through textContent; the chart is SVG built with createElementNS. */
"use strict";
(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const svg = document.getElementById("chart");
  const purposeInput = document.getElementById("purpose");
  let purpose = sessionStorage.getItem("kuntur-purpose") || "";
  purposeInput.value = purpose;
  let net = null;           // the network's detail from the API
  const shown = new Set();  // node ids on the chart: "report:ID" or entity keys
  let selected = null;
  const pos = new Map();    // node id -> {x, y, vx, vy}

  const headers = () => ({ "X-Purpose": purpose });
  const kindOf = (id) => (id.startsWith("report:") ? "report" : id.split(":")[0]);

  function adjacency() {
    const adj = new Map();
    const add = (a, b) => { if (!adj.has(a)) adj.set(a, new Set()); adj.get(a).add(b); };
    for (const l of net.links) {
      const k = kindOf(l.entity);
      if (!["phone", "payment_account", "vehicle"].includes(k)) continue;
      add(`report:${l.incident_id}`, l.entity); add(l.entity, `report:${l.incident_id}`);
    }
    return adj;
  }

  function visible(id) {
    const types = [...document.querySelectorAll("#type-filter input:checked")].map((i) => i.value);
    if (!id.startsWith("report:")) return types.includes(kindOf(id));
    const rep = net.timeline.find((t) => `report:${t.incident_id}` === id);
    if (!rep) return false;
    const day = rep.received_at.slice(0, 10);
    const from = document.getElementById("from").value, to = document.getElementById("to").value;
    return (!from || day >= from) && (!to || day <= to);
  }

  function layout(nodes, edges) {
    const w = svg.clientWidth || 800, h = svg.clientHeight || 600;
    for (const n of nodes) {
      if (!pos.has(n)) pos.set(n, { x: w / 2 + (Math.random() - 0.5) * 200, y: h / 2 + (Math.random() - 0.5) * 200, vx: 0, vy: 0 });
    }
    const list = nodes.map((n) => pos.get(n));
    for (let it = 0; it < 150; it++) {
      for (let i = 0; i < list.length; i++) {
        for (let j = i + 1; j < list.length; j++) {
          const a = list[i], b = list[j];
          const dx = a.x - b.x, dy = a.y - b.y, d2 = dx * dx + dy * dy + 0.01;
          const f = 800 / d2;
          a.vx += dx * f; a.vy += dy * f; b.vx -= dx * f; b.vy -= dy * f;
        }
      }
      for (const [s, t] of edges) {
        const a = pos.get(s), b = pos.get(t);
        const dx = b.x - a.x, dy = b.y - a.y;
        a.vx += dx * 0.02; a.vy += dy * 0.02; b.vx -= dx * 0.02; b.vy -= dy * 0.02;
      }
      for (const p of list) {
        p.vx += (w / 2 - p.x) * 0.005; p.vy += (h / 2 - p.y) * 0.005;
        p.x = Math.max(15, Math.min(w - 15, p.x + Math.max(-20, Math.min(20, p.vx))));
        p.y = Math.max(15, Math.min(h - 15, p.y + Math.max(-20, Math.min(20, p.vy))));
        p.vx *= 0.5; p.vy *= 0.5;
      }
    }
  }

  function draw() {
    const adj = adjacency();
    const nodes = [...shown].filter(visible);
    const on = new Set(nodes);
    const edges = [];
    for (const n of nodes) for (const m of adj.get(n) || []) if (on.has(m) && n < m) edges.push([n, m]);
    layout(nodes, edges);
    svg.replaceChildren();
    for (const [s, t] of edges) {
      const a = pos.get(s), b = pos.get(t);
      const line = document.createElementNS(SVG, "line");
      line.setAttribute("class", "edge");
      line.setAttribute("x1", a.x); line.setAttribute("y1", a.y); line.setAttribute("x2", b.x); line.setAttribute("y2", b.y);
      svg.append(line);
    }
    for (const n of nodes) {
      const p = pos.get(n);
      const c = document.createElementNS(SVG, "circle");
      c.setAttribute("class", `node ${kindOf(n)}${n === selected ? " selected" : ""}`);
      c.setAttribute("cx", p.x); c.setAttribute("cy", p.y);
      c.setAttribute("r", n.startsWith("report:") ? 5 : 8);
      c.dataset.id = n;
      const title = document.createElementNS(SVG, "title"); title.textContent = n; c.append(title);
      c.addEventListener("click", () => expand(n));
      svg.append(c);
      if (!n.startsWith("report:")) {
        const label = document.createElementNS(SVG, "text");
        label.setAttribute("x", p.x + 10); label.setAttribute("y", p.y + 3);
        label.textContent = n.split(":")[1];
        svg.append(label);
      }
    }
    svg.dataset.nodes = String(nodes.length);
    svg.dataset.edges = String(edges.length);
  }

  function expand(id) {
    selected = id;
    for (const m of adjacency().get(id) || []) shown.add(m);
    shown.add(id);
    draw();
    showNode(id);
  }

  function showNode(id) {
    const panel = document.getElementById("node-panel");
    panel.hidden = false;
    document.getElementById("node-title").textContent = id;
    const body = document.getElementById("node-body");
    body.replaceChildren();
    const row = (k, v) => {
      const dt = document.createElement("dt"); dt.textContent = k;
      const dd = document.createElement("dd"); dd.textContent = v;
      body.append(dt, dd);
    };
    const openBtn = document.getElementById("open-report");
    if (id.startsWith("report:")) {
      const rid = Number(id.split(":")[1]);
      const rep = net.timeline.find((t) => t.incident_id === rid);
      if (rep) {
        row(T.occurred, limaTime(rep.received_at));
        row(T.category, KUNTUR.i18n.categories[rep.category] || rep.category);
        row(T.district, rep.district || "—");
        if (rep.amounts.length) row("Monto", rep.amounts.join(", "));
      }
      for (const l of net.links.filter((x) => x.incident_id === rid)) {
        row(T.provenance, `${l.entity} — ${l.rule} (${l.confidence}), chars ${l.span[0]}-${l.span[1]}`);
      }
      openBtn.hidden = false;
      openBtn.onclick = () => openIncident(rid);
    } else {
      const reps = net.links.filter((x) => x.entity === id).map((x) => x.incident_id);
      row(T.reports, String(new Set(reps).size));
      openBtn.hidden = true;
    }
  }

  function fillList(id, items, fmt) {
    const ol = document.getElementById(id);
    ol.replaceChildren();
    for (const it of items) {
      const li = document.createElement("li"); li.textContent = fmt(it);
      li.addEventListener("click", () => expand(it.entity));
      ol.append(li);
    }
  }

  async function openNetwork(url, startAt) {
    net = await getJSON(url, headers());
    shown.clear(); pos.clear();
    if (startAt) shown.add(startAt);
    else for (const k of [...net.key_players, ...net.payment_hubs].slice(0, 8)) shown.add(k.entity);
    if (shown.size === 0 && net.timeline.length) shown.add(`report:${net.timeline[0].incident_id}`);
    fillList("key-players", net.key_players, (k) => `${k.entity} (${k.reports_cut_off})`);
    fillList("hubs", net.payment_hubs, (k) => `${k.entity} (${k.reports})`);
    const people = document.getElementById("people");
    people.replaceChildren();
    for (const p of net.people) {
      const li = document.createElement("li");
      li.textContent = `${p.name} — ${p.reports.length} ${T.reports}; ${p.variants.join(" / ")}`;
      people.append(li);
    }
    svg.dataset.network = net.network;
    document.getElementById("case-box").hidden = false;
    if (startAt) expand(startAt); else draw();
  }

  async function loadNetworks() {
    const list = document.getElementById("networks");
    list.replaceChildren();
    const nets = await getJSON("/api/intel/networks", headers());
    for (const n of nets) {
      const li = document.createElement("li");
      li.dataset.network = n.network;
      li.textContent = `${n.network} · ${n.reports} ${T.reports} · ${n.growth >= 0 ? "+" : ""}${n.growth} ${T.growth}`;
      li.addEventListener("click", () => openNetwork(`/api/intel/networks/${encodeURIComponent(n.network)}`));
      list.append(li);
    }
    list.dataset.count = String(nets.length);
  }

  async function start() {
    const hint = document.getElementById("purpose-hint");
    hint.textContent = T.purpose_needed;
    if (!purpose) { hint.className = "error"; return; }
    hint.className = "hint";
    await loadNetworks();
    const report = new URLSearchParams(location.search).get("report");
    if (report) await openNetwork(`/api/intel/reports/${encodeURIComponent(report)}/network`, `report:${report}`);
  }

  function refused(e) {  // the server's reason, which says what to enter instead
    const hint = document.getElementById("purpose-hint");
    hint.textContent = e.message; hint.className = "error";
  }

  async function loadCases() {
    const list = document.getElementById("my-cases");
    const mine = await getJSON("/api/intel/cases");
    list.replaceChildren();
    for (const c of mine.filter((x) => x.status === "open")) {
      const li = document.createElement("li");
      li.dataset.case = c.number;
      li.textContent = `${c.number} · ${c.title}`;
      li.addEventListener("click", () => {
        purposeInput.value = c.number;
        document.getElementById("purpose-form").requestSubmit();
      });
      list.append(li);
    }
    if (!list.children.length) {
      const li = document.createElement("li"); li.className = "hint"; li.textContent = T.no_cases;
      list.append(li);
    }
  }

  document.getElementById("purpose-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    purpose = purposeInput.value.trim();
    sessionStorage.setItem("kuntur-purpose", purpose);
    start().catch(refused);
  });
  for (const el of document.querySelectorAll("#type-filter input, #from, #to")) {
    el.addEventListener("change", () => { if (net) draw(); });
  }
  // A new case on the open network: its team is the analyst for now, and the case is the
  // purpose of everything done in it (its report needs no other).
  document.getElementById("case-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const link = document.getElementById("case-link");
    try {
      const r = await fetch("/api/intel/cases", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken(), ...headers() },
        body: JSON.stringify({ number: document.getElementById("case-number").value, title: document.getElementById("case-title").value, network: net.network }),
      });
      const body = await r.json();
      if (!r.ok) throw new Error(typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail));
      link.replaceChildren();
      const a = document.createElement("a");
      a.href = `/casos/${body.id}`; a.textContent = `${T.case_report}: ${body.number}`;
      a.dataset.case = String(body.id);
      link.append(a);
      loadCases().catch(() => {});
    } catch (e) {
      link.textContent = e.message;
    }
  });

  document.getElementById("node-close").addEventListener("click", () => { document.getElementById("node-panel").hidden = true; });
  loadCases().catch(() => {});
  start().catch(refused);
})();
