/* Kuntur Campo: the unit's phone. Signs in for the shift with a device token (kept in this
   browser with the device's own id), shows the current dispatch and orders, receives them
   live (server-sent events read with fetch, which can send the token), and sends status
   changes, positions and notes through a queue kept in localStorage: each with its real
   time and an id made here, sent in order when there is network, applied once by the
   server, and the server's answer (a conflict, with its reason) shown to the officer. */
"use strict";
(function () {
  const K = {
    device: "kuntur.campo.device",
    token: "kuntur.campo.token",
    state: "kuntur.campo.state",
    queue: "kuntur.campo.queue",
    notices: "kuntur.campo.notices",
    theme: "kuntur.campo.theme",
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
  function enqueue(item) {
    const q = load(K.queue, []);
    q.push({ client_id: randomId(), at: new Date().toISOString(), ...item });
    save(K.queue, q);
    renderQueue();
    flush();
  }

  function describe(item) {
    if (item.kind === "status") return T["status_" + item.status] || item.status;
    if (item.kind === "position") return T.position;
    if (item.kind === "stop") return T.stop + " " + (item.stop + 1);
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
      const batch = q.slice(0, 200);
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
    } catch (e) {
      if (e.status && e.status !== 401) say(e.message);
    } finally {
      flushing = false;
      renderQueue();
    }
    // Positions alone change nothing the phone shows (and the live stream announces what
    // does): reading the state after each would double the phone's requests, 2,000 phones
    // every 10 s (docs/benchmarks.md, Field app).
    if (load(K.queue, []).length && navigator.onLine && token()) setTimeout(flush, 500);
    else if (stale) { stale = false; refresh(); }
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
