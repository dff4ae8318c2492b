/* The dispatcher's screen: the queue by priority and age, a new incident by clicking the
   map, the incident panel (what was reported, how long it waits, its timeline and notes),
   triage (priority, merge), only the lifecycle steps the server allows, the ranked lawful
   recommendation with one-click dispatch, a first response with a stated reason when the
   specialised units are far, every unit moving live (live.js), and an alert (banner and
   beep) on every open screen when a new priority-1 incident arrives.
   Each panel loads on its own: one the reader's role may not use says so in words.
   Text goes through textContent only. */
"use strict";
(function () {
  const STATUS = KUNTUR.unit_status || {};
  const PRIORITY_COLORS = { 1: "#b00020", 2: "#ef6c00", 3: "#f9a825", 4: "#607d8b" };
  const map = kunturBaseMap({ outlines: true });
  const incidentLayer = L.layerGroup().addTo(map);
  const mapEl = document.getElementById("map");
  const $ = (id) => document.getElementById(id);
  let selected = null;
  let queued = null;
  let queueItems = new Map();  // id -> queue item
  const alerted = new Set();   // priority-1 incidents already announced on this screen
  let alertCount = 0;

  // "{name}" placeholders filled with values (every value becomes text).
  const fmt = (template, values) =>
    String(template).replace(/\{(\w+)\}/g, (m, k) => (values && values[k] != null ? String(values[k]) : m));
  const capLabel = (c) => T[`cap_${c}`] || c;
  const caps = (list) => String(list || "").split(",").filter(Boolean).map(capLabel).join(", ");

  // A request that keeps its HTTP status, so that a panel can tell "not for your role".
  const load = getJSON;  // keeps the answer's status on the error (common.js)
  function panelFailed(el, e) {
    const p = document.createElement(el.tagName === "OL" || el.tagName === "UL" ? "li" : "p");
    p.className = "panel-denied";
    p.textContent = e.status === 403 ? fmt(T.panel_forbidden, { why: e.message }) : `${T.error}: ${e.message}`;
    el.replaceChildren(p);
  }

  function age(isoLima, until) {
    const mins = Math.max(0, Math.floor(((until ? new Date(until) : new Date()) - new Date(isoLima)) / 60000));
    return mins < 60 ? fmt(T.minutes_ago, { n: mins }) : fmt(T.hours_ago, { h: Math.floor(mins / 60), m: mins % 60 });
  }

  // The live picture; incident events reload the queue and may raise the P1 alert.
  const live = kunturLive(map, {
    onOpen: () => $("live-state").classList.add("on"),
    onError: () => $("live-state").classList.remove("on"),
    onEvent: (ev) => {
      if (ev.kind === "unit") drawBoard();
      if (ev.kind === "incident") maybeAlert(ev);
      if (ev.kind === "incident" || ev.kind === "unit") {
        // Many events arrive together when a unit is dispatched: reload the queue once.
        clearTimeout(queued); queued = setTimeout(refresh, 150);
      }
    },
  });
  const units = live.units;

  // The queue only: redrawing the open panel would wipe a reason or note being typed.
  function refresh() { loadQueue(); }

  // A short beep from WebAudio (no sound file): two tones, a quarter second each.
  let audio = null;
  function beep() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") audio.resume().catch(() => {});
      [0, 0.3].forEach((at, k) => {
        const osc = audio.createOscillator(); const gain = audio.createGain();
        osc.type = "square"; osc.frequency.value = k ? 660 : 880;
        gain.gain.value = 0.15;
        osc.connect(gain).connect(audio.destination);
        osc.start(audio.currentTime + at); osc.stop(audio.currentTime + at + 0.25);
      });
      window.kunturBeeps = (window.kunturBeeps || 0) + 1;
    } catch (e) { /* no audio device: the banner still shows */ }
  }
  function maybeAlert(ev) {
    if (ev.priority !== 1 || ev.status !== "received" || alerted.has(ev.id)) return;
    alerted.add(ev.id);
    const what = `#${ev.id} ${KUNTUR.i18n.categories[ev.category] || ev.category}`;
    const where = ev.lat != null ? `${Number(ev.lat).toFixed(4)}, ${Number(ev.lon).toFixed(4)}` : "—";
    $("p1-alert-text").textContent = fmt(T.p1_alert, { what, where });
    const box = $("p1-alert");
    box.dataset.incident = String(ev.id);
    box.hidden = false;
    alertCount += 1;
    mapEl.dataset.p1Alerts = String(alertCount);
    beep();
  }
  $("p1-open").addEventListener("click", () => {
    const id = Number($("p1-alert").dataset.incident);
    $("p1-alert").hidden = true;
    if (id) select(id);
  });
  $("p1-dismiss").addEventListener("click", () => { $("p1-alert").hidden = true; });

  function drawBoard() {
    const counts = {};
    for (const { data } of units.values()) {
      counts[data.agency] = counts[data.agency] || {};
      counts[data.agency][data.status] = (counts[data.agency][data.status] || 0) + 1;
    }
    const table = $("board");
    table.replaceChildren();
    // Available, busy on a job, and not dispatchable: what a dispatcher scans for.
    const cols = [
      [STATUS.available, ["available", "returning"]],
      [STATUS.dispatched + " / " + STATUS.on_scene, ["dispatched", "en_route", "on_scene"]],
      [STATUS.out_of_service, ["out_of_service", "off_duty"]],
    ];
    const head = document.createElement("tr");
    for (const h of ["", ...cols.map((c) => c[0])]) {
      const th = document.createElement("th"); th.textContent = h; head.append(th);
    }
    table.append(head);
    for (const [agency, c] of Object.entries(counts).sort()) {
      const tr = document.createElement("tr");
      const sums = cols.map(([, keys]) => String(keys.reduce((n, k) => n + (c[k] || 0), 0)));
      for (const v of [agency, ...sums]) {
        const td = document.createElement("td"); td.textContent = v; tr.append(td);
      }
      table.append(tr);
    }
  }

  function marker(inc) {
    const on = inc.id === selected;
    const m = L.circleMarker([inc.latitude, inc.longitude], {
      radius: on ? 12 : 7, color: on ? "#14202b" : "#fff", weight: on ? 3 : 1,
      fillColor: PRIORITY_COLORS[inc.priority] || "#333", fillOpacity: 0.95,
    });
    const cat = KUNTUR.i18n.categories[inc.category] || inc.category;
    m.bindTooltip(document.createTextNode(`#${inc.id} P${inc.priority} · ${cat}`));
    m.on("click", () => select(inc.id));
    return m;
  }

  async function loadQueue() {
    const list = $("queue");
    let items;
    try { items = await load("/api/dispatch/queue"); } catch (e) { panelFailed(list, e); return; }
    const first = queueItems.size === 0;
    queueItems = new Map(items.map((i) => [i.id, i]));
    list.replaceChildren();
    incidentLayer.clearLayers();
    for (const inc of items) {
      // Incidents on screen when it opened are not "new": only later ones alert.
      if (first) alerted.add(inc.id);
      const li = document.createElement("li");
      li.dataset.id = String(inc.id);
      li.className = `prio prio-bg-${inc.priority}`;
      li.setAttribute("aria-selected", String(inc.id === selected));
      const cat = KUNTUR.i18n.categories[inc.category] || inc.category;
      const head = document.createElement("span");
      head.className = "q-prio"; head.textContent = `P${inc.priority}`;
      const body = document.createElement("span");
      body.textContent = ` ${cat} · ${inc.district_name || inc.address || "—"} · ${KUNTUR.i18n.statuses[inc.status] || inc.status}` +
        (inc.units.length ? ` · ${inc.units.join(", ")}` : "");
      const when = document.createElement("span");
      when.className = "q-age"; when.dataset.received = inc.received_at;
      when.textContent = ` · ${age(inc.received_at)}`;
      if (Date.now() - new Date(inc.received_at) > 10 * 60000 && inc.status === "received") li.classList.add("waiting-long");
      li.append(head, body, when);
      li.addEventListener("click", () => select(inc.id));
      list.append(li);
      incidentLayer.addLayer(marker(inc));
    }
    $("queue-note").textContent = items.length ? "" : T.none || "";
    mapEl.dataset.queue = String(items.length);
  }
  setInterval(() => {  // ages move on without a reload
    for (const el of document.querySelectorAll(".q-age")) el.textContent = ` · ${age(el.dataset.received)}`;
  }, 30000);

  function facts(inc, timeline) {
    const dl = $("panel-facts");
    dl.replaceChildren();
    const where = [inc.address, inc.district_name].filter(Boolean).join(" — ") || "—";
    const waitingUntil = timeline && timeline.times.dispatched_at;
    const rows = [
      [T.category, KUNTUR.i18n.categories[inc.category] || inc.category],
      [T.priority, `P${inc.priority}`],
      [T.address, where],
      [T.waiting, age(inc.received_at, waitingUntil) + (waitingUntil ? ` (${T.t_dispatched.toLowerCase()})` : "")],
      [T.caller_source, (KUNTUR.i18n.sources[inc.source] || inc.source) + (inc.external_id ? ` · ${inc.external_id}` : "")],
      [T.narrative, inc.narrative_withheld ? T.withheld.replaceAll("{id}", inc.id) : (inc.narrative || "—")],
    ];
    for (const [k, v] of rows) {
      const dt = document.createElement("dt"); dt.textContent = k;
      const dd = document.createElement("dd"); dd.textContent = v;
      dl.append(dt, dd);
    }
  }

  function drawTimeline(tl) {
    const entries = [];
    for (const [k, v] of Object.entries(tl.times)) {
      if (v) entries.push([v, T[`t_${k.replace(/_at$/, "")}`] || k]);
    }
    for (const a of tl.assignments) {
      let text = fmt(T.t_assigned, { unit: a.unit || "—", who: a.dispatched_by.replace(/^user:/, "") });
      if (a.legal_basis_id) text += ` · ${fmt(T.t_basis, { id: a.legal_basis_id })}`;
      if (a.override_reason) text += ` · ${fmt(T.t_override, { reason: a.override_reason })}`;
      entries.push([a.dispatched_at, text, a.override_reason ? "override" : ""]);
    }
    for (const n of tl.notes) {
      entries.push([n.created_at, fmt(T.t_note, { who: n.author.replace(/^user:/, ""), text: n.text }), "note"]);
    }
    if (tl.merged_into_id) entries.push([tl.times.cleared_at || "", fmt(T.merged_note, { id: tl.merged_into_id })]);
    entries.sort((a, b) => new Date(a[0]) - new Date(b[0]));
    const ol = $("timeline");
    ol.replaceChildren();
    for (const [at, text, cls] of entries) {
      const li = document.createElement("li");
      if (cls) li.className = cls;
      li.textContent = `${at ? limaTime(at) : ""} — ${text}`;
      ol.append(li);
    }
  }

  // Only the steps the server allows from this state (dispatch/lifecycle.py); clearing
  // sits apart, at the foot of the panel, away from "hide panel".
  function drawMoves(tl) {
    const box = $("moves");
    box.replaceChildren();
    const labels = {
      triaged: tl.status === "dispatched" ? T.recall : T.triaged_move,
      en_route: T.en_route, on_scene: T.on_scene,
    };
    for (const move of tl.allowed_moves.filter((m) => m !== "cleared")) {
      const b = document.createElement("button");
      b.type = "button"; b.dataset.move = move; b.textContent = labels[move] || move;
      b.addEventListener("click", () => moveTo(move));
      box.append(b);
    }
    if (!tl.allowed_moves.length) {
      const p = document.createElement("span"); p.className = "hint"; p.textContent = T.no_moves; box.append(p);
    }
    $("close-zone").hidden = !tl.allowed_moves.includes("cleared");
    const open = tl.allowed_moves.length > 0;
    for (const id of ["set-priority", "merge", "triage-priority", "merge-into", "note-text"]) $(id).disabled = !open;
  }

  function drawMergeChoices(id) {
    const sel = $("merge-into");
    sel.replaceChildren();
    const me = queueItems.get(id);
    const others = [...queueItems.values()].filter((q) => q.id !== id);
    const km = (q) => (me ? Math.hypot((q.latitude - me.latitude) * 111, (q.longitude - me.longitude) * 109) : 0);
    others.sort((a, b) => km(a) - km(b));
    for (const q of others.slice(0, 30)) {
      const o = document.createElement("option");
      o.value = String(q.id);
      o.textContent = `#${q.id} P${q.priority} ${KUNTUR.i18n.categories[q.category] || q.category} · ${q.district_name || "—"} (${km(q).toFixed(1)} km)`;
      sel.append(o);
    }
    if (!others.length) {
      const o = document.createElement("option"); o.value = ""; o.textContent = T.merge_none; sel.append(o);
    }
  }

  function reasonText(e) {
    const p = e.params || {};
    if (e.code === "status") return fmt(T.why_status, { status: STATUS[p.status] || p.status });
    if (e.code === "lacks") return fmt(T.why_lacks, { capabilities: caps(p.capabilities) });
    if (e.code === "no_legal_basis") return fmt(T.why_no_legal_basis, { legal: fmt(T[`legal_${p.legal}`] || p.legal, p) });
    if (T[`why_${e.code}`]) return fmt(T[`why_${e.code}`], p);
    return e.reason;
  }
  // The server's reasons come Spanish first, then English ("es / en"): the reader's half,
  // with the capability codes in them as words.
  const half = (s) => { const p = s.split(" / "); return p.length === 2 ? p[KUNTUR.lang === "es" ? 0 : 1] : s; };
  const rankedText = (r) => r.reasons
    .map((s) => half(s).replace(/^(sin capacidad|capacidad|lacking|capability): (.*)$/, (m, k, list) => `${k}: ${caps(list.replace(/, /g, ","))}`))
    .join("; ");

  function drawRecommendation(id, rec) {
    $("needs").textContent = rec.needs.length ? `${T.needs}: ${caps(rec.needs.join(","))}` : "";
    const list = $("recommendation");
    list.replaceChildren();
    for (const r of rec.ranked) {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button"; b.textContent = T.dispatch_unit; b.dataset.unit = String(r.unit_id);
      b.addEventListener("click", () => dispatchUnit(id, r.unit_id));
      const text = document.createElement("span");
      text.textContent = ` ${r.call_sign} (${r.agency}) — ${rankedText(r)}`;
      li.append(b, text);
      list.append(li);
    }
    if (!rec.ranked.length) {
      const li = document.createElement("li"); li.className = "hint"; li.textContent = T.none_eligible; list.append(li);
    }
    const first = $("first-response");
    first.replaceChildren();
    $("first-response-box").hidden = !rec.first_response.length;
    for (const r of rec.first_response) {
      const li = document.createElement("li");
      const text = document.createElement("div");
      text.textContent = `${r.call_sign} (${r.agency}) — ${rankedText(r)}`;
      const reason = document.createElement("input");
      reason.maxLength = 500; reason.placeholder = T.override_reason; reason.required = true;
      reason.setAttribute("aria-label", T.override_reason);
      reason.dataset.overrideFor = String(r.unit_id);
      const b = document.createElement("button");
      b.type = "button"; b.textContent = T.override_dispatch; b.dataset.override = String(r.unit_id);
      b.addEventListener("click", () => {
        if (!reason.value.trim()) { $("panel-error").textContent = T.override_needed; reason.focus(); return; }
        dispatchUnit(id, r.unit_id, reason.value.trim());
      });
      li.append(text, reason, b);
      first.append(li);
    }
    const ex = $("excluded");
    ex.replaceChildren();
    for (const e of rec.excluded) {
      const li = document.createElement("li");
      li.textContent = `${e.call_sign} (${e.agency}): ${reasonText(e)}`;
      ex.append(li);
    }
  }

  async function select(id, { follow = true } = {}) {
    const changed = selected !== id;
    selected = id;
    for (const li of document.querySelectorAll("#queue li")) li.setAttribute("aria-selected", String(Number(li.dataset.id) === id));
    $("incident-panel").hidden = false;
    if (changed) $("panel-error").textContent = "";
    $("panel-title").textContent = `#${id}`;
    // Redraw the markers so the selected one stands out; the map follows it.
    incidentLayer.clearLayers();
    for (const q of queueItems.values()) incidentLayer.addLayer(marker(q));
    // Each part loads on its own: one refused or failed says so and the others still show.
    const [inc, tl, rec] = await Promise.allSettled([
      load(`/api/incidents/${id}`),
      load(`/api/dispatch/incidents/${id}/timeline`),
      load(`/api/dispatch/incidents/${id}/recommendation`),
    ]);
    if (selected !== id) return;  // another incident was chosen meanwhile
    if (inc.status === "fulfilled") {
      const i = inc.value;
      const cat = KUNTUR.i18n.categories[i.category] || i.category;
      $("panel-title").textContent = `#${id} · P${i.priority} · ${cat}`;
      facts(i, tl.status === "fulfilled" ? tl.value : null);
      if (changed) $("triage-priority").value = String(i.priority);
      if (follow && changed) map.setView([i.latitude, i.longitude], Math.max(map.getZoom(), 14), { animate: false });
      mapEl.dataset.selected = String(id);
    } else panelFailed($("panel-facts"), inc.reason);
    if (tl.status === "fulfilled") {
      const t = tl.value;
      $("panel-status").textContent = `${KUNTUR.i18n.statuses[t.status] || t.status}` +
        (t.assignments.length ? ` · ${t.assignments.filter((a) => !a.released_at).map((a) => a.unit).join(", ")}` : "");
      $("panel-status").dataset.status = t.status;
      drawTimeline(t);
      drawMoves(t);
    } else {
      panelFailed($("timeline"), tl.reason);
      $("moves").replaceChildren();
    }
    drawMergeChoices(id);
    if (rec.status === "fulfilled") drawRecommendation(id, rec.value);
    else { panelFailed($("recommendation"), rec.reason); $("excluded").replaceChildren(); $("first-response-box").hidden = true; }
  }

  async function act(fn) {
    $("panel-error").textContent = "";
    try { await fn(); } catch (e) { $("panel-error").textContent = e.message; }
  }
  const dispatchUnit = (incidentId, unitId, overrideReason) => act(async () => {
    await postJSON(`/api/dispatch/incidents/${incidentId}/dispatch`,
      overrideReason ? { unit_id: unitId, override_reason: overrideReason } : { unit_id: unitId });
    await select(incidentId);
  });
  const moveTo = (move) => act(async () => {
    if (selected == null) return;
    const body = { status: move };
    if (move === "triaged") body.priority = Number($("triage-priority").value);
    if (move === "cleared" && $("disposition").value.trim()) body.disposition = $("disposition").value.trim();
    const force = move === "cleared" && $("force-used").checked;
    if (force) body.force = true;  // a use-of-force report falls due (oversight)
    await postJSON(`/api/dispatch/incidents/${selected}/status`, body);
    $("disposition").value = "";
    $("force-used").checked = false;
    if (force && (KUNTUR.can || []).includes("uof.report")) {
      location.assign(`/uso-fuerza?incident=${encodeURIComponent(selected)}`);
      return;
    }
    await select(selected);
  });
  $("clear-incident").addEventListener("click", () => moveTo("cleared"));
  $("set-priority").addEventListener("click", () => act(async () => {
    await postJSON(`/api/dispatch/incidents/${selected}/priority`, { priority: Number($("triage-priority").value) });
    await loadQueue(); await select(selected);
  }));
  $("merge").addEventListener("click", () => act(async () => {
    const into = Number($("merge-into").value);
    if (!into) return;
    const tl = await postJSON(`/api/dispatch/incidents/${selected}/merge`, { into_id: into });
    await loadQueue();
    await select(tl.incident_id);
  }));
  $("note-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    act(async () => {
      const text = $("note-text").value.trim();
      if (!text) return;
      await postJSON(`/api/dispatch/incidents/${selected}/notes`, { text });
      $("note-text").value = "";
      await select(selected, { follow: false });
    });
  });
  $("panel-close").addEventListener("click", () => {
    $("incident-panel").hidden = true; selected = null;
    incidentLayer.clearLayers();
    for (const q of queueItems.values()) incidentLayer.addLayer(marker(q));
  });

  // New incident: click the map to place it, then submit.
  const form = $("new-incident");
  let pin = null;
  map.on("click", (ev) => {
    if (!$("new-incident-box").open) return;
    form.lat.value = ev.latlng.lat.toFixed(6); form.lon.value = ev.latlng.lng.toFixed(6);
    $("new-where").textContent = `${form.lat.value}, ${form.lon.value}`;
    if (pin) pin.setLatLng(ev.latlng); else pin = L.marker(ev.latlng).addTo(map);
  });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!form.lat.value) { $("new-where").textContent = T.click_map; return; }
    const now = new Date().toISOString();
    const created = await postJSON("/api/incidents", {
      source: "emergency_call", category: form.category.value, priority: Number(form.priority.value),
      occurred_at: now, received_at: now, latitude: Number(form.lat.value), longitude: Number(form.lon.value),
      address: form.address.value || null,
    });
    if (pin) { map.removeLayer(pin); pin = null; }
    form.reset();
    $("new-incident-box").open = false;
    await loadQueue();
    await select(created.id, { follow: false });
  });

  async function loadAuthorizations() {
    const list = $("authorizations");
    let all;
    try { all = await load("/api/command/authorizations"); } catch (e) { panelFailed(list, e); return; }
    list.replaceChildren();
    for (const a of all) {
      if (!a.active) continue;
      const li = document.createElement("li");
      li.textContent = `${a.number} — ${a.area_label}, ${limaTime(a.ends_at)}` + (a.expires_soon ? ` (${T.expires_soon})` : "");
      if (a.expires_soon) li.className = "error";
      list.append(li);
      L.geoJSON(a.area, { interactive: false, style: { color: "#6a1b9a", weight: 2, dashArray: "6 4", fill: false } }).addTo(map);
    }
    list.dataset.loaded = String(list.children.length);
  }

  // Each panel on its own: the legal bases and the units never wait on the queue.
  loadAuthorizations();
  live.start().then(drawBoard).catch((e) => panelFailed($("board"), e));
  loadQueue();
})();
