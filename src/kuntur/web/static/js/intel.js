/* Extortion networks for intelligence analysts.

   The link chart (Cytoscape.js, vendored; force-directed "cose" layout) draws a network's
   identifiers (phones, accounts, plates) and folds its reports into the lines between them:
   two identifiers named in the same reports are joined by one line as thick as the reports
   they share, with their number. Clicking a line or a circle lists its reports and can put
   them on the chart (and fold them away again); clicking a report shows what it said and
   where. Labels are words ("Teléfono +51 987 654 321", "Cuenta 002-193-…"), districts by
   name. Entity types and a period filter what is drawn.

   Every request carries the analyst's purpose (X-Purpose: one of their open cases; the
   server checks it) and is logged with it. The analyst's cases are listed: one click states
   one, opens its network and shows its notes and entities (notes are stored and audited).
   Text goes through textContent or Cytoscape labels, never innerHTML. */
"use strict";
(function () {
  const box = document.getElementById("chart");
  const purposeInput = document.getElementById("purpose");
  let purpose = sessionStorage.getItem("kuntur-purpose") || "";
  purposeInput.value = purpose;
  let net = null;             // the network's detail from the API
  let myCases = [];           // the reader's cases
  let currentCase = null;     // the case stated as purpose (its detail)
  const unfolded = new Set(); // lines ("a|b") and circles (keys) whose reports are drawn
  let selected = null;        // what the side panel shows: {type, id}
  const STRONG = ["phone", "payment_account", "vehicle"];
  const COLORS = { phone: "#c62828", payment_account: "#6a1b9a", vehicle: "#ef6c00", report: "#1565c0" };
  const MAX_REPORTS_DRAWN = 60;

  const headers = () => ({ "X-Purpose": purpose });
  const kindOf = (key) => key.split(":")[0];
  const entityInfo = () => Object.fromEntries((net.entities || []).map((e) => [e.key, e]));
  function label(key) {
    if (key.startsWith("report:")) return `${T.kind_report} ${key.split(":")[1]}`;
    const e = net && entityInfo()[key];
    const kind = kindOf(key);
    const title = T[`kind_${kind}`] || kind;
    return `${title} ${e ? e.value : key.slice(kind.length + 1)}`;
  }
  const category = (c) => KUNTUR.i18n.categories[c] || c;

  cytoscape.warnings(false);
  const cy = cytoscape({
    container: box,
    wheelSensitivity: 0.3,
    minZoom: 0.2,
    maxZoom: 3,
    style: [
      { selector: "node", style: {
        "background-color": "data(color)", label: "data(label)", "font-size": 11,
        "text-valign": "bottom", "text-margin-y": 4, "text-wrap": "wrap", "text-max-width": 160,
        "text-background-color": "#fbfcfd", "text-background-opacity": 0.85, "text-background-padding": 1,
        width: "data(size)", height: "data(size)", "border-width": 1.5, "border-color": "#fff",
      } },
      { selector: "node.report", style: { shape: "round-rectangle", "font-size": 9, color: "#1b3a5c" } },
      { selector: "edge", style: {
        width: "data(width)", "line-color": "#8a99a8", "curve-style": "bezier",
        label: "data(label)", "font-size": 10, color: "#2c3a47",
        "text-background-color": "#fff", "text-background-opacity": 0.9, "text-background-padding": 2,
      } },
      { selector: "edge.mention", style: { "line-color": "#b7c7d9", width: 1, label: "" } },
      { selector: ":selected", style: { "border-color": "#f2b705", "border-width": 4, "line-color": "#f2b705" } },
    ],
  });
  window.kunturChart = cy; // for the browser tests, which cannot click inside a canvas

  function visibleReports() {
    const from = document.getElementById("from").value, to = document.getElementById("to").value;
    const ok = new Set();
    for (const t of net.timeline) {
      const day = t.received_at.slice(0, 10);
      if ((!from || day >= from) && (!to || day <= to)) ok.add(t.incident_id);
    }
    return ok;
  }

  // Reports folded into the identifiers they name (as networks.collapse on the server).
  function collapse() {
    const types = new Set([...document.querySelectorAll("#type-filter input:checked")].map((i) => i.value));
    const reports = visibleReports();
    const byReport = new Map();
    for (const l of net.links) {
      const kind = kindOf(l.entity);
      if (!STRONG.includes(kind) || !types.has(kind) || !reports.has(l.incident_id)) continue;
      if (!byReport.has(l.incident_id)) byReport.set(l.incident_id, new Set());
      byReport.get(l.incident_id).add(l.entity);
    }
    const nodes = new Map(), edges = new Map();
    for (const [rid, set] of byReport) {
      const keys = [...set].sort();
      keys.forEach((a, i) => {
        if (!nodes.has(a)) nodes.set(a, new Set());
        nodes.get(a).add(rid);
        for (const b of keys.slice(i + 1)) {
          const id = `${a}|${b}`;
          if (!edges.has(id)) edges.set(id, new Set());
          edges.get(id).add(rid);
        }
      });
    }
    return { nodes, edges, byReport };
  }

  function draw() {
    const { nodes, edges, byReport } = collapse();
    const most = Math.max(1, ...[...nodes.values()].map((s) => s.size));
    const top = Math.max(1, ...[...edges.values()].map((s) => s.size));
    const els = [];
    for (const [key, reps] of nodes) {
      els.push({ group: "nodes", classes: kindOf(key), data: {
        id: key, label: `${label(key)} (${reps.size})`, color: COLORS[kindOf(key)],
        size: 18 + 30 * Math.sqrt(reps.size / most), reports: reps.size,
      } });
    }
    for (const [id, reps] of edges) {
      const [a, b] = id.split("|");
      els.push({ group: "edges", data: {
        id, source: a, target: b, weight: reps.size, label: String(reps.size), width: 1.5 + 8 * reps.size / top,
      } });
    }
    // Reports drawn on demand: those of an unfolded line or circle, joined to what they name.
    const drawn = new Set();
    for (const u of unfolded) {
      const reps = u.includes("|") ? edges.get(u) : nodes.get(u);
      for (const rid of [...(reps || [])].slice(0, MAX_REPORTS_DRAWN)) drawn.add(rid);
    }
    for (const rid of drawn) {
      const rep = net.timeline.find((t) => t.incident_id === rid);
      els.push({ group: "nodes", classes: "report", data: {
        id: `report:${rid}`, color: COLORS.report, size: 12,
        label: `${T.kind_report} ${rid}${rep ? ` · ${category(rep.category)}` : ""}`,
      } });
      for (const key of byReport.get(rid) || []) {
        els.push({ group: "edges", classes: "mention", data: { id: `m:${rid}:${key}`, source: `report:${rid}`, target: key, width: 1 } });
      }
    }
    cy.elements().remove();
    cy.add(els);
    cy.layout({
      // Labels count as part of each node, so the layout keeps them apart as well.
      name: "cose", animate: false, randomize: true, nodeDimensionsIncludeLabels: true,
      nodeRepulsion: () => 400000, idealEdgeLength: () => 260, nodeOverlap: 80, gravity: 0.2,
      numIter: 2500, padding: 60,
    }).run();
    cy.fit(undefined, 60);
    if (cy.zoom() > 1.6) { cy.zoom(1.6); cy.center(); }  // a small network is not blown up
    box.dataset.nodes = String(nodes.size + drawn.size);
    box.dataset.identifiers = String(nodes.size);
    box.dataset.edges = String(edges.size);
    box.dataset.reports = String(drawn.size);
    box.dataset.labels = JSON.stringify([...nodes.keys()].map(label));
    if (selected) cy.$id(selected.id).select();
  }

  function row(body, k, v) {
    const dt = document.createElement("dt"); dt.textContent = k;
    const dd = document.createElement("dd"); dd.textContent = v;
    body.append(dt, dd);
  }

  function reportList(reps) {
    const ol = document.getElementById("node-reports");
    ol.replaceChildren();
    const byId = new Map(net.timeline.map((t) => [t.incident_id, t]));
    for (const rid of [...reps].sort((a, b) => a - b)) {
      const t = byId.get(rid);
      const li = document.createElement("li");
      li.dataset.report = String(rid);
      li.textContent = t
        ? `${rid} · ${limaTime(t.received_at)} · ${category(t.category)} · ${t.district_name || "—"}`
        : String(rid);
      li.addEventListener("click", () => showReport(rid));
      ol.append(li);
    }
  }

  function panel(title) {
    document.getElementById("node-panel").hidden = false;
    document.getElementById("node-title").textContent = title;
    const body = document.getElementById("node-body");
    body.replaceChildren();
    document.getElementById("node-reports").replaceChildren();
    for (const id of ["open-report", "add-entity", "toggle-reports"]) document.getElementById(id).hidden = true;
    return body;
  }

  function toggleButton(id) {
    const btn = document.getElementById("toggle-reports");
    btn.hidden = false;
    btn.textContent = unfolded.has(id) ? T.intel_hide_reports : T.intel_show_reports;
    btn.onclick = () => {
      if (unfolded.has(id)) unfolded.delete(id); else unfolded.add(id);
      draw();
      btn.textContent = unfolded.has(id) ? T.intel_hide_reports : T.intel_show_reports;
    };
  }

  function showEdge(id) {
    selected = { type: "edge", id };
    const { edges } = collapse();
    const reps = edges.get(id) || new Set();
    const [a, b] = id.split("|");
    const body = panel(`${label(a)} — ${label(b)}`);
    row(body, T.intel_reports_of, `${reps.size} ${T.intel_shared}`);
    toggleButton(id);
    reportList(reps);
  }

  function showEntity(key) {
    selected = { type: "node", id: key };
    const { nodes } = collapse();
    const reps = nodes.get(key) || new Set();
    const body = panel(label(key));
    row(body, T.intel_reports_of, String(reps.size));
    const hub = net.payment_hubs.find((h) => h.entity === key);
    const kp = net.key_players.find((k) => k.entity === key);
    if (kp) row(body, T.key_players, `${kp.reports_cut_off} ${T.reports}`);
    if (hub) row(body, T.payment_hubs, `${hub.reports} ${T.reports}`);
    toggleButton(key);
    reportList(reps);
    if (currentCase) {
      const add = document.getElementById("add-entity");
      add.hidden = false;
      add.onclick = () => caseWrite(`/api/intel/cases/${currentCase.id}/entities`, { key });
    }
  }

  function showReport(rid) {
    selected = { type: "node", id: `report:${rid}` };
    const body = panel(`${T.kind_report} ${rid}`);
    const rep = net.timeline.find((t) => t.incident_id === rid);
    if (rep) {
      row(body, T.occurred, limaTime(rep.received_at));
      row(body, T.category, category(rep.category));
      row(body, T.district, rep.district_name || "—");
      if (rep.amounts.length) row(body, "Monto", rep.amounts.join(", "));
    }
    for (const l of net.links.filter((x) => x.incident_id === rid)) {
      row(body, T.provenance, `${label(l.entity)} — ${T.intel_rule} ${l.rule} (${Math.round(100 * l.confidence)} %), ${T.intel_chars} ${l.span[0]}-${l.span[1]}`);
    }
    const openBtn = document.getElementById("open-report");
    openBtn.hidden = false;
    openBtn.onclick = () => openIncident(rid);
  }

  cy.on("tap", "edge", (ev) => { if (!ev.target.hasClass("mention")) showEdge(ev.target.id()); });
  cy.on("tap", "node", (ev) => {
    const id = ev.target.id();
    if (id.startsWith("report:")) showReport(Number(id.split(":")[1])); else showEntity(id);
  });

  function fillList(id, items, fmt) {
    const ol = document.getElementById(id);
    ol.replaceChildren();
    for (const it of items) {
      const li = document.createElement("li"); li.textContent = fmt(it);
      li.addEventListener("click", () => showEntity(it.entity));
      ol.append(li);
    }
  }

  async function openNetwork(url, report) {
    net = await getJSON(url, headers());
    unfolded.clear(); selected = null;
    fillList("key-players", net.key_players, (k) => `${label(k.entity)} (${k.reports_cut_off} ${T.reports})`);
    fillList("hubs", net.payment_hubs, (k) => `${label(k.entity)} (${k.reports} ${T.reports})`);
    const people = document.getElementById("people");
    people.replaceChildren();
    for (const p of net.people) {
      const li = document.createElement("li");
      li.textContent = `${T.kind_person} ${p.name} — ${p.reports.length} ${T.reports}; ${p.variants.join(" / ")}`;
      people.append(li);
    }
    box.dataset.network = net.network;
    document.getElementById("case-box").hidden = false;
    if (report) {  // from a report: its identifiers and the report itself on the chart
      for (const l of net.links) if (l.incident_id === report && STRONG.includes(kindOf(l.entity))) unfolded.add(l.entity);
    }
    draw();
    if (report) showReport(report);
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

  // The stated case: its notes, entities and team on screen.
  function showCase(c) {
    currentCase = c;
    const p = document.getElementById("case-panel");
    p.hidden = false;
    p.dataset.case = c.number;
    document.getElementById("case-heading").textContent = `${T.intel_case} ${c.number}: ${c.title}`;
    const meta = document.getElementById("case-meta");
    meta.replaceChildren();
    row(meta, T.intel_investigation, c.investigation);
    row(meta, T.intel_network_of_case, c.network);
    row(meta, T.intel_state, c.status === "open" ? T.intel_open : c.status);
    row(meta, T.intel_team, c.members.map((m) => `${m.username} (${m.agency})`).join(", "));
    document.getElementById("case-print").href = `/casos/${c.id}`;
    const notes = document.getElementById("case-notes");
    notes.replaceChildren();
    for (const n of c.notes) {
      const li = document.createElement("li");
      li.textContent = `${limaTime(n.created_at)} · ${n.author.replace(/^user:/, "")}: ${n.text}`;
      notes.append(li);
    }
    if (!c.notes.length) { const li = document.createElement("li"); li.className = "hint"; li.textContent = T.intel_no_notes; notes.append(li); }
    notes.dataset.count = String(c.notes.length);
    const ents = document.getElementById("case-entities");
    ents.replaceChildren();
    for (const key of c.entities) {
      const li = document.createElement("li"); li.textContent = (c.entity_labels || {})[key] || key;
      li.addEventListener("click", () => { if (net) showEntity(key); });
      ents.append(li);
    }
    if (!c.entities.length) { const li = document.createElement("li"); li.textContent = T.intel_no_entities; ents.append(li); }
    document.getElementById("case-investigation").value = c.investigation;
  }

  async function caseWrite(url, body) {
    const err = document.getElementById("note-error");
    err.textContent = "";
    const r = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
      body: JSON.stringify(body),
    });
    const out = await r.json();
    if (!r.ok) { err.textContent = typeof out.detail === "string" ? out.detail : T.error; return null; }
    showCase(out);
    return out;
  }

  async function stateCase() {
    const wanted = purpose.toUpperCase();
    const c = myCases.find((x) => x.number === wanted)
      || (myCases.filter((x) => x.investigation === wanted && x.status === "open").length === 1
        ? myCases.find((x) => x.investigation === wanted && x.status === "open") : null);
    if (!c) { document.getElementById("case-panel").hidden = true; currentCase = null; return null; }
    showCase(await getJSON(`/api/intel/cases/${c.id}`));
    return c;
  }

  async function start() {
    const hint = document.getElementById("purpose-hint");
    hint.textContent = T.purpose_needed;
    if (!purpose) { hint.className = "error"; return; }
    hint.className = "hint";
    await loadNetworks();
    const c = await stateCase();
    const report = new URLSearchParams(location.search).get("report");
    if (report) await openNetwork(`/api/intel/reports/${encodeURIComponent(report)}/network`, Number(report));
    else if (c) await openNetwork(`/api/intel/networks/${encodeURIComponent(c.network)}`).catch(() => {});
  }

  function refused(e) {  // the server's reason, which says what to enter instead
    const hint = document.getElementById("purpose-hint");
    hint.textContent = e.message; hint.className = "error";
  }

  async function loadCases() {
    const list = document.getElementById("my-cases");
    myCases = await getJSON("/api/intel/cases");
    list.replaceChildren();
    for (const c of myCases.filter((x) => x.status === "open")) {
      const li = document.createElement("li");
      li.dataset.case = c.number;
      const strong = document.createElement("strong"); strong.textContent = c.number;
      const small = document.createElement("span"); small.className = "hint";
      small.textContent = ` · ${c.title} · ${T.intel_investigation}: ${c.investigation} · ${c.network}`;
      li.append(strong, small);
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
    list.dataset.count = String(list.querySelectorAll("li[data-case]").length);
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
  document.getElementById("note-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const text = document.getElementById("note-text");
    if (currentCase && await caseWrite(`/api/intel/cases/${currentCase.id}/notes`, { text: text.value })) text.value = "";
  });
  // A new case on the open network, in an investigation (the stated case's by default);
  // its team is the analyst for now, and the case is the purpose of everything done in it.
  document.getElementById("case-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const link = document.getElementById("case-link");
    try {
      const number = document.getElementById("case-number").value.trim();
      const r = await fetch("/api/intel/cases", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken(), ...headers() },
        body: JSON.stringify({
          number: number || null,
          investigation: document.getElementById("case-investigation").value,
          title: document.getElementById("case-title").value,
          network: net.network,
        }),
      });
      const body = await r.json();
      if (!r.ok) throw new Error(typeof body.detail === "string" ? body.detail : T.error);
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
  loadCases().then(() => start()).catch(refused);
})();
