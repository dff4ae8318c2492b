/* Kuntur Campo: the unit's phone. Signs in for the shift with a device token (kept in this
   browser with the device's own id), shows the current dispatch and orders, receives them
   live (server-sent events read with fetch, which can send the token), and sends status
   changes, positions and notes through a queue kept in localStorage: each with its real
   time and an id made here, sent in order when there is network, applied once by the
   server, and the server's answer (a conflict, with its reason) shown to the officer.
   The incident is shown on a map (vendored Leaflet, the district outlines Kuntur serves,
   the operator's own tiles if any: nothing from the internet; the service worker keeps
   them for offline use). From a closed incident of the unit the officer writes the
   use-of-force report and attaches photos: the report goes through the same queue, the
   photos too (their bytes kept in IndexedDB until sent), in order, each once. */
"use strict";
(function () {
  const K = {
    device: "kuntur.campo.device",
    token: "kuntur.campo.token",
    state: "kuntur.campo.state",
    queue: "kuntur.campo.queue",
    notices: "kuntur.campo.notices",
    theme: "kuntur.campo.theme",
    uof: "kuntur.campo.uof",
  };
  const T = JSON.parse(document.getElementById("texts").textContent);
  const $ = (id) => document.getElementById(id);
  let interval = Number(document.body.dataset.positionInterval || 30) * 1000;
  let current = null; // the last state the server sent
  let flushing = false;
  let stream = null; // the AbortController of the live stream
  let positionTimer = null;

  function randomId() {
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  }
  function deviceKey() {
    let k = localStorage.getItem(K.device);
    if (!k) { k = randomId(); localStorage.setItem(K.device, k); }
    return k;
  }
  const token = () => localStorage.getItem(K.token);
  const load = (key, fallback) => { try { return JSON.parse(localStorage.getItem(key)) ?? fallback; } catch { return fallback; } };
  const save = (key, value) => localStorage.setItem(key, JSON.stringify(value));
  const fmt = (text, values) => text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));

  // The photos waiting in the queue: their bytes in IndexedDB (localStorage holds a few
  // megabytes of text, a photo is up to 8 MB), under the queue item's client id.
  const blobs = (() => {
    let opened = null;
    function open() {
      if (!opened) {
        opened = new Promise((ok, no) => {
          const r = indexedDB.open("kuntur-campo", 1);
          r.onupgradeneeded = () => r.result.createObjectStore("photos");
          r.onsuccess = () => ok(r.result);
          r.onerror = () => no(r.error);
        });
      }
      return opened;
    }
    async function tx(mode, fn) {
      const db = await open();
      return new Promise((ok, no) => {
        const t = db.transaction("photos", mode);
        const req = fn(t.objectStore("photos"));
        t.oncomplete = () => ok(req.result);
        t.onerror = () => no(t.error);
      });
    }
    return {
      put: (k, v) => tx("readwrite", (st) => st.put(v, k)),
      get: (k) => tx("readonly", (st) => st.get(k)),
      del: (k) => tx("readwrite", (st) => st.delete(k)),
    };
  })();

  function say(text) {
    const m = $("message");
    m.textContent = text || "";
    m.hidden = !text;
  }

  class Http extends Error {
    constructor(status, detail) { super(detail); this.status = status; }
  }
  async function api(path, options = {}) {
    const headers = { "X-Device-Key": deviceKey(), Accept: "application/json" };
    if (token()) headers.Authorization = "Bearer " + token();
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(path, {
      method: options.method || "GET",
      headers,
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      signal: options.signal,
    });
    if (res.status === 401) { signedOut(T.revoked); throw new Http(401, T.revoked); }
    if (!res.ok) {
      let detail = res.statusText;
      try { detail = (await res.json()).detail || detail; } catch { /* not JSON */ }
      throw new Http(res.status, typeof detail === "string" ? detail : JSON.stringify(detail));
    }
    return res.status === 204 ? null : res.json();
  }

  // --- sign-in -------------------------------------------------------------------------
  function signedOut(why) {
    localStorage.removeItem(K.token);
    if (stream) { stream.abort(); stream = null; }
    if (positionTimer) { clearInterval(positionTimer); positionTimer = null; }
    $("app").hidden = true;
    $("signin").hidden = false;
    $("unit").textContent = "";
    say(why || "");
  }

  $("signin-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    const body = {
      username: f.get("username"),
      password: f.get("password"),
      totp: f.get("totp") || null,
      call_sign: f.get("call_sign") || null,
      hours: Number(f.get("hours") || 12),
      device_key: deviceKey(),
      label: (navigator.userAgentData && navigator.userAgentData.platform) || "teléfono",
    };
    try {
      const res = await fetch("/api/field/signin", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
      });
      const data = await res.json().catch(() => ({}));
      if (!res.ok) {
        const d = data.detail;
        say(T.signin_failed + ": " + (typeof d === "string" ? d : res.statusText));
        return;
      }
      localStorage.setItem(K.token, data.token);
      interval = data.position_interval_s * 1000;
      ev.target.reset();
      say("");
      started();
    } catch {
      say(T.signin_failed + ": " + T.offline);
    }
  });

  function started() {
    $("signin").hidden = true;
    $("app").hidden = false;
    const kept = load(K.state, null);
    if (kept) render(kept);
    renderQueue();
    renderUof(load(K.uof, []));
    refresh();
    connect();
    flush();
    if (!positionTimer) positionTimer = setInterval(reportPosition, interval);
    // Phones do not always say when the network is back: try the queue now and then too.
    if (!started.retry) started.retry = setInterval(() => { flush(); connect(); }, 5000);
  }

  // --- state -----------------------------------------------------------------------------
  async function refresh() {
    try {
      const s = await api("/api/field/state");
      save(K.state, s);
      render(s);
      if (s.position_interval_s * 1000 !== interval) {
        interval = s.position_interval_s * 1000;
        if (positionTimer) { clearInterval(positionTimer); positionTimer = setInterval(reportPosition, interval); }
      }
    } catch (e) {
      if (e.status && e.status !== 401) say(e.message);
    }
    refreshUof();
  }

  function el(tag, attrs, ...children) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") n.className = v; else if (k.startsWith("data-")) n.setAttribute(k, v); else n[k] = v;
    }
    for (const c of children) n.append(c);
    return n;
  }

  function render(s) {
    current = s;
    $("unit").textContent = s.unit.call_sign + " · " + s.unit.status_label;
    const body = $("dispatch-body");
    body.replaceChildren();
    const d = s.dispatch;
    if (!d) {
      body.append(el("p", { class: "muted" }, T.no_dispatch));
    } else if (!d.visible) {
      body.append(el("p", {}, T.incident + " " + d.incident_id), el("p", { class: "muted" }, T.withheld));
    } else {
      body.append(
        el("dl", {},
          el("dt", {}, T.incident), el("dd", { "data-testid": "incident" }, d.incident_id + " · " + d.category_label),
          el("dt", {}, T.priority), el("dd", { class: "prio" }, String(d.priority)),
          el("dt", {}, T.address), el("dd", {}, d.address || T.no_address),
          el("dt", {}, T.status), el("dd", { "data-testid": "incident-status" }, d.status_label),
        ),
        el("div", { class: "links" },
          el("a", { href: d.links.geo, "data-testid": "navigate" }, T.navigate),
          el("a", { href: d.links.osm, rel: "noopener", target: "_blank" }, T.osm),
        ),
      );
    }
    if (d) {
      const b = el("button", { type: "button", class: "big ack", "data-testid": "ack-dispatch" }, d.acknowledged ? T.acked : T.ack);
      b.disabled = d.acknowledged;
      b.addEventListener("click", () => acknowledge("dispatch", d.assignment_id));
      body.append(b);
    }
    renderMap(d);
    renderPatrol(s.patrol);
    const list = $("orders");
    list.replaceChildren();
    if (!s.orders.length) list.append(el("li", { class: "muted" }, T.no_orders));
    for (const o of s.orders) {
      const b = el("button", { type: "button", class: "big ack", "data-testid": "ack-order" }, o.status === "issued" ? T.ack : T.acked);
      b.disabled = o.status !== "issued";
      b.addEventListener("click", () => acknowledge("order", o.id));
      const li = el("li", { "data-testid": "order" }, el("p", {}, o.text));
      if (o.links) li.append(el("div", { class: "links" }, el("a", { href: o.links.geo }, T.navigate)));
      li.append(b);
      list.append(li);
    }
  }

  // --- the map: the incident, and the unit's last position, over what Kuntur serves ------
  let map = null;
  let marks = null;
  let outlines = false;
  function renderMap(d) {
    const box = $("map-box");
    const show = Boolean(d && d.visible && d.lat != null && d.lon != null);
    box.hidden = !show;
    if (!show) return;
    const note = $("map-note");
    if (!window.L) { // Leaflet not loaded (an old cache, a broken download): links still work
      $("map").hidden = true;
      note.textContent = T.map_unavailable;
      return;
    }
    if (!map) {
      map = L.map("map", { zoomControl: true });
      const tiles = document.body.dataset.tileUrl;
      if (tiles) L.tileLayer(tiles, { attribution: document.body.dataset.tileAttribution, maxZoom: 19 }).addTo(map);
      map.attributionControl.addAttribution(T.map_credit);
      marks = L.layerGroup().addTo(map);
    }
    if (!outlines) { // once per page; the service worker answers it offline
      outlines = true;
      fetch("/api/geography/boundaries/lima-callao")
        .then((r) => (r.ok ? r.json() : Promise.reject(new Error(r.statusText))))
        .then((g) => {
          L.geoJSON(g, { interactive: false, style: { color: "#5b6b7a", weight: 1, fillColor: "#ffffff", fillOpacity: 0.4 } })
            .addTo(map).bringToBack();
        })
        .catch(() => { outlines = false; });
    }
    marks.clearLayers();
    const here = [d.lat, d.lon];
    L.circleMarker(here, { radius: 12, color: "#a30000", weight: 4, fillColor: "#ff3b30", fillOpacity: 0.9, className: "incident-marker" })
      .bindTooltip(T.map_incident + " " + d.incident_id).addTo(marks);
    const points = [here];
    if (lastSent) {
      L.circleMarker([lastSent.lat, lastSent.lon], { radius: 8, color: "#003d99", weight: 3, fillOpacity: 0.8, className: "unit-marker" })
        .bindTooltip(T.map_you).addTo(marks);
      points.push([lastSent.lat, lastSent.lon]);
    }
    if (points.length > 1) map.fitBounds(points, { padding: [30, 30], maxZoom: 16 });
    else map.setView(here, 14);
    note.textContent = navigator.onLine ? "" : T.map_offline;
    setTimeout(() => map.invalidateSize(), 0);
  }

  // --- the use-of-force report: from a closed incident of the unit ----------------------
  const LEVELS = ["presence", "verbal", "physical", "non_lethal", "firearm"];
  const OUTCOMES = ["none", "injury", "serious_injury", "death"];
  let uofFor = null; // the incident the form is open for
  async function refreshUof() {
    if (!token() || !navigator.onLine) return;
    try {
      const rows = await api("/api/field/uof");
      save(K.uof, rows);
      renderUof(rows);
    } catch { /* kept list stays */ }
  }
  function renderUof(rows) {
    const queued = new Set(load(K.queue, []).filter((i) => i.kind === "uof").map((i) => i.incident_id));
    const list = $("uof-list");
    list.replaceChildren();
    if (!rows.length) { list.append(el("li", { class: "muted" }, T.uof_none)); return; }
    for (const r of rows) {
      const waiting = queued.has(r.incident_id);
      const state = waiting ? T.uof_queued
        : r.report_status === "pending" ? T.uof_pending
          : r.report_status === "filed" ? T.uof_filed
            : r.report_status === "closed" ? T.uof_closed : T.uof_no_report;
      const li = el("li", { "data-testid": "uof-incident" },
        el("p", {}, el("strong", {}, T.incident + " " + r.incident_id + " · " + r.category_label)),
        el("p", {}, r.address || T.no_address),
        el("p", { "data-testid": "uof-state", class: r.report_status === "pending" && !waiting ? "conflict" : "" },
          state + (r.photos ? " · " + r.photos + " " + T.uof_photos_count : "")));
      if (!waiting && (r.report_status === "pending" || r.report_status === null)) {
        const b = el("button", { type: "button", class: "big primary", "data-testid": "uof-start" }, T.uof_start);
        b.addEventListener("click", () => openUof(r));
        li.append(b);
      }
      if (r.report_status === "filed" && r.report_id) { // more evidence for the filed report
        const input = el("input", { type: "file", accept: "image/jpeg,image/png,image/webp", multiple: true, "data-testid": "uof-more-photos" });
        input.setAttribute("capture", "environment");
        const send = el("button", { type: "button", class: "big", "data-testid": "uof-send-photos" }, T.uof_send_photos);
        send.addEventListener("click", async () => {
          const items = await photoItems([...(input.files || [])], { report_id: r.report_id }, false);
          if (items && items.length) { enqueueAll(items); notice(T.uof_sent_queue, "applied"); }
        });
        li.append(el("label", {}, T.uof_add_photos, input), send);
      }
      list.append(li);
    }
  }
  function openUof(r) {
    uofFor = r;
    const f = $("uof-form");
    f.reset();
    f.hidden = false;
    $("uof-title").textContent = T.uof_report + " · " + T.incident + " " + r.incident_id;
    const box = $("uof-members");
    box.replaceChildren();
    if (!r.members.length) box.append(el("p", { class: "conflict" }, T.uof_no_members));
    for (const m of r.members) {
      const who = m.rank + " " + m.name + " · " + m.service_number;
      const level = el("select", { "data-member": String(m.id), "data-testid": "uof-level", ariaLabel: who });
      level.append(el("option", { value: "" }, T.uof_no_level), ...LEVELS.map((l) => el("option", { value: l }, T["level_" + l])));
      const rounds = el("input", { type: "number", min: "0", max: "1000", value: "0", inputMode: "numeric", "data-rounds": String(m.id) });
      box.append(el("div", { class: "row" }, el("p", {}, el("strong", {}, who)), level, el("label", {}, T.uof_rounds, rounds)));
    }
    $("uof-affected").replaceChildren();
    f.scrollIntoView({ block: "start" });
  }
  $("uof-add-affected").addEventListener("click", () => {
    const outcome = el("select", { "data-testid": "uof-outcome", ariaLabel: T.uof_report });
    outcome.append(...OUTCOMES.map((o) => el("option", { value: o }, T["outcome_" + o])));
    const age = el("input", { type: "number", min: "0", max: "120", placeholder: T.uof_age, ariaLabel: T.uof_age, inputMode: "numeric" });
    const sex = el("select", { ariaLabel: T.uof_sex });
    sex.append(el("option", { value: "" }, T.uof_sex + ": —"), ...["F", "M", "X"].map((x) => el("option", { value: x }, T["sex_" + x])));
    const remove = el("button", { type: "button", class: "small" }, T.uof_remove);
    const row = el("div", { class: "row", "data-affected": "1" }, outcome, el("div", { class: "pair" }, age, sex), remove);
    remove.addEventListener("click", () => row.remove());
    $("uof-affected").append(row);
  });
  $("uof-cancel").addEventListener("click", () => { $("uof-form").hidden = true; uofFor = null; });
  function herePosition() { // now, if the phone can say within 10 s; else the last one sent
    const last = lastSent ? { lat: lastSent.lat, lon: lastSent.lon } : null;
    if (!navigator.geolocation) return Promise.resolve(last);
    return new Promise((ok) => navigator.geolocation.getCurrentPosition(
      (p) => ok({ lat: p.coords.latitude, lon: p.coords.longitude }),
      () => ok(last),
      { enableHighAccuracy: true, maximumAge: 30000, timeout: 10000 },
    ));
  }
  function checkPhotos(files) { // told at once on the phone; the server judges again, by content
    const max = Number(document.body.dataset.photoMax);
    for (const file of files) {
      if (file.size > max) {
        say(fmt(T.uof_photo_too_large, { name: file.name, size: (file.size / 1048576).toFixed(1), mb: Math.floor(max / 1048576) }));
        return false;
      }
      if (!/^image\/(jpeg|png|webp)$/.test(file.type)) { say(fmt(T.uof_photo_type, { name: file.name })); return false; }
    }
    return true;
  }
  // The queue items of photos for a report (its client id, or its id once filed), each
  // photo's bytes put in IndexedDB first; the place only if the officer asked for it.
  async function photoItems(files, report, withPlace) {
    if (!checkPhotos(files)) return null;
    const place = withPlace && files.length ? await herePosition() : null;
    const items = [];
    for (const file of files) {
      const id = randomId();
      await blobs.put(id, file);
      items.push({
        client_id: id,
        at: new Date(file.lastModified || Date.now()).toISOString(), // when the camera wrote it
        kind: "photo",
        ...report,
        name: file.name,
        lat: place ? place.lat : null,
        lon: place ? place.lon : null,
      });
    }
    return items;
  }
  $("uof-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const r = uofFor;
    const f = ev.target;
    if (!r) return;
    const force = [];
    for (const level of f.querySelectorAll("select[data-member]")) {
      if (!level.value) continue;
      const id = Number(level.dataset.member);
      force.push({ personnel_id: id, level: level.value, rounds: Number(f.querySelector(`[data-rounds="${id}"]`).value || 0) });
    }
    if (!force.length) { say(T.uof_pick_level); return; }
    const affected = [...f.querySelectorAll("[data-affected]")].map((row) => {
      const [outcome, sex] = row.querySelectorAll("select");
      const age = row.querySelector("input").value;
      return { outcome: outcome.value, age: age === "" ? null : Number(age), sex: sex.value || null };
    });
    const files = [...(f.photos.files || [])];
    if (!checkPhotos(files)) return;
    const aid = f.medical_aid_at.value;
    const reportId = randomId();
    const items = [{
      client_id: reportId,
      at: new Date().toISOString(),
      kind: "uof",
      incident_id: r.incident_id,
      uof: {
        force,
        affected,
        place: f.place.value.trim(),
        contact_reason: f.contact_reason.value.trim(),
        medical_aid_by: f.medical_aid_by.value.trim() || null,
        medical_aid_at: aid ? new Date(aid).toISOString() : null,
        supervisor_present: f.supervisor_present.checked,
      },
    }];
    items.push(...await photoItems(files, { report_client_id: reportId }, f.with_place.checked));
    f.hidden = true;
    uofFor = null;
    say("");
    notice(T.uof_sent_queue, "applied");
    enqueueAll(items);
    renderUof(load(K.uof, []));
  });

  // --- the patrol schedule: hot-spot stops of 10-15 minutes, in the plan's order --------
  let stopTimer = null;
  function hhmm(iso) {
    return new Date(iso).toLocaleTimeString("es-PE", { hour: "2-digit", minute: "2-digit", timeZone: "America/Lima" });
  }
  function renderPatrol(p) {
    const card = $("patrol");
    card.hidden = !p;
    if (!p) return;
    const queued = new Set(load(K.queue, []).filter((i) => i.kind === "stop").map((i) => i.post_id + ":" + i.stop));
    const done = (st) => st.logged || queued.has(p.post_id + ":" + st.index);
    $("patrol-stops").replaceChildren(...p.stops.map((st) =>
      el("li", { "data-testid": "patrol-stop", class: done(st) ? "muted" : "" },
        (done(st) ? "✔ " : "") + T.stop + " " + (st.index + 1) + " · " + (st.district || "") + " · " +
        hhmm(st.arrive) + "–" + hhmm(st.leave))));
    const next = p.stops.find((st) => !done(st) && new Date(st.leave) > new Date()) || null;
    const box = $("patrol-next");
    box.replaceChildren();
    if (!next) {
      box.append(el("p", { class: "muted" }, T.no_stops));
      return;
    }
    const left = el("p", { class: "timer", "data-testid": "stop-timer" }, "");
    const start = el("button", { type: "button", class: "big" }, T.stop_start);
    const finish = el("button", { type: "button", class: "big ack", "data-testid": "stop-done" }, T.stop_done);
    start.addEventListener("click", () => {
      const until = Date.now() + next.minutes * 60000;
      clearInterval(stopTimer);
      const tick = () => {
        const s = Math.max(0, Math.round((until - Date.now()) / 1000));
        left.textContent = T.stop_left + " " + Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
      };
      tick();
      stopTimer = setInterval(tick, 1000);
    });
    finish.addEventListener("click", () => {
      clearInterval(stopTimer);
      enqueue({ kind: "stop", post_id: p.post_id, stop: next.index });
      renderPatrol(p);
    });
    box.append(
      el("p", {}, el("strong", {}, T.next_stop + ": " + T.stop + " " + (next.index + 1) + " · " + (next.district || ""))),
      el("p", {}, T.stop_window + " " + hhmm(next.arrive) + " – " + hhmm(next.leave) + " (" + next.minutes + " " + T.stop_minutes + ")"),
      el("div", { class: "links" }, el("a", { href: next.links.geo, "data-testid": "stop-navigate" }, T.navigate)),
      start, left, finish,
    );
  }

  async function acknowledge(kind, id) {
    try {
      await api("/api/field/ack", { method: "POST", body: { kind, id } });
      say("");
      await refresh();
    } catch (e) {
      if (e.status !== 401) say(e.status ? e.message : T.offline);
    }
  }

  // --- the queue -------------------------------------------------------------------------
  function enqueueAll(items) {
    const q = load(K.queue, []);
    for (const item of items) q.push({ client_id: randomId(), at: new Date().toISOString(), ...item });
    save(K.queue, q);
    renderQueue();
    flush();
  }
  const enqueue = (item) => enqueueAll([item]);

  function describe(item) {
    if (item.kind === "status") return T["status_" + item.status] || item.status;
    if (item.kind === "position") return T.position;
    if (item.kind === "stop") return T.stop + " " + (item.stop + 1);
    if (item.kind === "uof") return T.uof_report + " · " + T.incident + " " + item.incident_id;
    if (item.kind === "photo") return T.photo + (item.name ? " " + item.name : "");
    return T.note;
  }
  function clock(iso) {
    return new Date(iso).toLocaleTimeString("es-PE", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  function renderQueue() {
    const q = load(K.queue, []);
    $("queue").replaceChildren(...q.map((i) => el("li", { "data-testid": "queued" }, clock(i.at) + " · " + describe(i) + " · " + T.queued)));
    const notes = load(K.notices, []);
    $("notices").replaceChildren(...notes.slice(-10).reverse().map((n) => el("li", { class: n.cls, "data-testid": "notice" }, n.text)));
    const online = navigator.onLine;
    const net = $("net");
    net.textContent = (online ? T.online : T.offline) + (q.length ? " · " + q.length + " " + T.queued : "");
    net.classList.toggle("offline", !online);
  }

  function notice(text, cls) {
    const notes = load(K.notices, []);
    notes.push({ text, cls });
    save(K.notices, notes.slice(-20));
  }

  let stale = false; // a status, note or stop was sent since the state was last read
  async function flush() {
    if (flushing || !token() || !navigator.onLine) { renderQueue(); return; }
    const q = load(K.queue, []);
    if (!q.length) { renderQueue(); return; }
    flushing = true;
    try {
      if (q[0].kind === "photo") { stale = true; await sendPhoto(q[0]); }
      else await sendBatch(q);
    } catch (e) {
      if (e.status && e.status !== 401) say(e.message);
    } finally {
      flushing = false;
      renderQueue();
      renderUof(load(K.uof, []));
    }
    // Positions alone change nothing the phone shows (and the live stream announces what
    // does): reading the state after each would double the phone's requests, 2,000 phones
    // every 10 s (docs/benchmarks.md, Field app).
    if (load(K.queue, []).length && navigator.onLine && token()) setTimeout(flush, 500);
    else if (stale && token()) { stale = false; refresh(); }
  }

  async function sendBatch(q) {
    // Everything up to the next photo in one request; the photo then goes on its own.
    const cut = q.findIndex((i) => i.kind === "photo");
    const batch = q.slice(0, Math.min(cut < 0 ? q.length : cut, 200));
    stale = stale || batch.some((i) => i.kind !== "position");
    const res = await api("/api/field/reports", { method: "POST", body: { items: batch } });
    const done = new Set();
    for (const r of res.results) {
      done.add(r.client_id);
      const item = batch.find((i) => i.client_id === r.client_id);
      const what = clock(item.at) + " · " + describe(item);
      const outcome = r.outcome === "duplicate" ? r.first_outcome : r.outcome;
      if (outcome === "applied") notice(what + " · " + T.sent, "applied");
      else notice(what + " · " + (outcome === "refused" ? T.refused : T.conflict) + ": " + r.reason, "conflict");
      if (outcome !== "applied" && item.kind !== "position") say(what + ": " + r.reason);
    }
    save(K.queue, load(K.queue, []).filter((i) => !done.has(i.client_id)));
  }

  const drop = (id) => save(K.queue, load(K.queue, []).filter((i) => i.client_id !== id));
  async function sendPhoto(item) {
    const what = clock(item.at) + " · " + describe(item);
    const blob = await blobs.get(item.client_id).catch(() => null);
    if (!blob) { notice(what + " · " + T.uof_photo_lost, "conflict"); drop(item.client_id); return; }
    const form = new FormData();
    form.append("client_id", item.client_id);
    form.append("at", item.at);
    if (item.report_client_id) form.append("report_client_id", item.report_client_id);
    if (item.report_id) form.append("report_id", String(item.report_id));
    if (item.lat != null && item.lon != null) { form.append("lat", String(item.lat)); form.append("lon", String(item.lon)); }
    form.append("photo", blob, item.name || "foto.jpg");
    const res = await fetch("/api/field/uof/photos", {
      method: "POST",
      headers: { "X-Device-Key": deviceKey(), Authorization: "Bearer " + token(), Accept: "application/json" },
      body: form,
    }); // a network failure throws: the photo stays first in the queue
    if (res.status === 401) { signedOut(T.revoked); throw new Http(401, T.revoked); }
    const data = await res.json().catch(() => ({}));
    if (res.status >= 500) throw new Http(res.status, data.detail || res.statusText);
    const outcome = res.ok ? (data.outcome === "duplicate" ? data.first_outcome : data.outcome) : "refused";
    if (outcome === "applied") notice(what + " · " + T.sent, "applied");
    else {
      const why = typeof data.detail === "string" ? data.detail : data.reason || res.statusText;
      notice(what + " · " + T.conflict + ": " + why, "conflict");
      say(what + ": " + why);
    }
    drop(item.client_id); // answered: applied or refused for good, never sent again
    blobs.del(item.client_id).catch(() => {});
  }

  // --- buttons, positions, notes ----------------------------------------------------------
  for (const b of document.querySelectorAll("[data-status]")) {
    b.addEventListener("click", () => {
      const status = b.dataset.status;
      const incident = current && current.dispatch ? current.dispatch.incident_id : null;
      if (["en_route", "on_scene", "cleared"].includes(status) && !incident) { say(T.no_incident); return; }
      enqueue({ kind: "status", status, incident_id: incident });
    });
  }

  // A unit standing still reports less often (every fourth interval), to spare the data
  // plan and the battery; a move of more than STILL_M metres is reported at once.
  const STILL_M = 25;
  let lastSent = null;
  function metres(a, b) {
    const r = Math.PI / 180;
    const x = (b.lon - a.lon) * r * Math.cos(((a.lat + b.lat) / 2) * r);
    return Math.hypot(x, (b.lat - a.lat) * r) * 6371000;
  }
  function reportPosition(ev) {
    if (!navigator.geolocation || !token()) return;
    const asked = ev instanceof Event; // the button: always sent
    navigator.geolocation.getCurrentPosition(
      (p) => {
        const here = { lat: p.coords.latitude, lon: p.coords.longitude, t: Date.now() };
        if (!asked && lastSent && metres(lastSent, here) < STILL_M && here.t - lastSent.t < 4 * interval - 1000) return;
        lastSent = here;
        enqueue({ kind: "position", lat: here.lat, lon: here.lon, at: new Date(p.timestamp).toISOString() });
      },
      () => say(T.no_position),
      { enableHighAccuracy: true, maximumAge: 5000, timeout: 15000 },
    );
  }
  $("position-now").addEventListener("click", reportPosition);

  $("note-send").addEventListener("click", () => {
    const text = $("note").value.trim();
    const incident = current && current.dispatch ? current.dispatch.incident_id : null;
    if (!text) return;
    if (!incident) { say(T.no_incident); return; }
    enqueue({ kind: "note", text, incident_id: incident });
    $("note").value = "";
  });

  $("signout").addEventListener("click", () => signedOut(""));

  // --- the live stream -------------------------------------------------------------------
  async function connect() {
    if (stream || !token() || !navigator.onLine) return;
    const ctl = new AbortController();
    stream = ctl;
    try {
      const res = await fetch("/api/field/live", {
        headers: { Authorization: "Bearer " + token(), "X-Device-Key": deviceKey(), Accept: "text/event-stream" },
        signal: ctl.signal,
      });
      if (res.status === 401) { stream = null; signedOut(T.revoked); return; }
      if (!res.ok || !res.body) throw new Error(res.statusText);
      const reader = res.body.getReader();
      const dec = new TextDecoder();
      let buf = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let cut;
        while ((cut = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          if (/^event: session_ended/m.test(block)) { stream = null; signedOut(T.revoked); return; }
          const data = block.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("");
          if (data) refresh();
        }
      }
    } catch { /* dropped: retried below */ }
    if (stream === ctl) stream = null;
    if (token()) setTimeout(connect, 2000);
  }

  window.addEventListener("online", () => { renderQueue(); flush(); connect(); });
  window.addEventListener("offline", () => { renderQueue(); if (stream) { stream.abort(); stream = null; } });

  // --- theme -----------------------------------------------------------------------------
  function theme(name) {
    document.documentElement.dataset.theme = name;
    $("theme").textContent = name === "night" ? T.day : T.night;
    localStorage.setItem(K.theme, name);
  }
  $("theme").addEventListener("click", () => theme(document.documentElement.dataset.theme === "night" ? "day" : "night"));
  theme(localStorage.getItem(K.theme) || "day");

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/campo/sw.js", { scope: "/campo" }).catch(() => {});
  }
  if (token()) started(); else signedOut("");
})();
