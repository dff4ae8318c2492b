/* The dispatcher's screen: the queue by priority, a new incident by clicking the map, the
   ranked lawful recommendation with one-click dispatch, the lifecycle buttons, and every
   unit moving live (live.js). Text goes through textContent only. */
"use strict";
(function () {
  const STATUS = KUNTUR.unit_status || {};
  const map = kunturBaseMap({ outlines: true });
  const incidentLayer = L.layerGroup().addTo(map);
  let selected = null;
  const mapEl = document.getElementById("map");
  let queued = null;
  const live = kunturLive(map, {
    onOpen: () => document.getElementById("live-state").classList.add("on"),
    onError: () => document.getElementById("live-state").classList.remove("on"),
    onEvent: (ev) => {
      if (ev.kind === "unit") drawBoard();
      if (ev.kind === "incident" || ev.kind === "unit") {
        // Many events arrive together when a unit is dispatched: reload the queue once.
        clearTimeout(queued); queued = setTimeout(loadQueue, 150);
      }
    },
  });
  const units = live.units;

  function drawBoard() {
    const counts = {};
    for (const { data } of units.values()) {
      counts[data.agency] = counts[data.agency] || {};
      counts[data.agency][data.status] = (counts[data.agency][data.status] || 0) + 1;
    }
    const table = document.getElementById("board");
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

  async function loadQueue() {
    const items = await getJSON("/api/dispatch/queue");
    const list = document.getElementById("queue");
    list.replaceChildren();
    incidentLayer.clearLayers();
    for (const inc of items) {
      const li = document.createElement("li");
      li.dataset.id = String(inc.id);
      li.setAttribute("aria-selected", String(inc.id === selected));
      const cat = KUNTUR.i18n.categories[inc.category] || inc.category;
      li.textContent = `P${inc.priority} · ${cat} · ${inc.district_name || "—"} · ${KUNTUR.i18n.statuses[inc.status] || inc.status}` +
        (inc.units.length ? ` · ${inc.units.join(", ")}` : "");
      li.addEventListener("click", () => select(inc.id));
      list.append(li);
      const m = L.marker([inc.latitude, inc.longitude], { title: `#${inc.id}` });
      m.on("click", () => select(inc.id));
      incidentLayer.addLayer(m);
    }
    mapEl.dataset.queue = String(items.length);
  }

  async function select(id) {
    selected = id;
    for (const li of document.querySelectorAll("#queue li")) li.setAttribute("aria-selected", String(Number(li.dataset.id) === id));
    document.getElementById("incident-panel").hidden = false;
    document.getElementById("panel-error").textContent = "";
    const [timeline, rec] = await Promise.all([
      getJSON(`/api/dispatch/incidents/${id}/timeline`),
      getJSON(`/api/dispatch/incidents/${id}/recommendation`),
    ]);
    document.getElementById("panel-title").textContent = `#${id}`;
    document.getElementById("panel-status").textContent =
      `${KUNTUR.i18n.statuses[timeline.status] || timeline.status}` +
      (timeline.assignments.length ? ` · ${timeline.assignments.map((a) => a.unit).join(", ")}` : "");
    const list = document.getElementById("recommendation");
    list.replaceChildren();
    for (const r of rec.ranked) {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button"; b.textContent = T.dispatch_unit; b.dataset.unit = String(r.unit_id);
      b.addEventListener("click", () => dispatchUnit(id, r.unit_id));
      const text = document.createElement("span");
      text.textContent = ` ${r.call_sign} (${r.agency}) — ${r.reasons.join("; ")}`;
      li.append(b, text);
      list.append(li);
    }
    const ex = document.getElementById("excluded");
    ex.replaceChildren();
    for (const e of rec.excluded) {
      const li = document.createElement("li");
      li.textContent = `${e.call_sign} (${e.agency}): ${e.reason}`;
      ex.append(li);
    }
  }

  async function dispatchUnit(incidentId, unitId) {
    try {
      await postJSON(`/api/dispatch/incidents/${incidentId}/dispatch`, { unit_id: unitId });
      await select(incidentId);
    } catch (e) {
      document.getElementById("panel-error").textContent = e.message;
    }
  }

  for (const b of document.querySelectorAll("[data-move]")) {
    b.addEventListener("click", async () => {
      if (selected == null) return;
      try {
        await postJSON(`/api/dispatch/incidents/${selected}/status`, { status: b.dataset.move });
        await select(selected);
      } catch (e) {
        document.getElementById("panel-error").textContent = e.message;
      }
    });
  }
  document.getElementById("panel-close").addEventListener("click", () => {
    document.getElementById("incident-panel").hidden = true; selected = null;
  });

  // New incident: click the map to place it, then submit.
  const form = document.getElementById("new-incident");
  let pin = null;
  map.on("click", (ev) => {
    if (!document.getElementById("new-incident-box").open) return;
    form.lat.value = ev.latlng.lat.toFixed(6); form.lon.value = ev.latlng.lng.toFixed(6);
    document.getElementById("new-where").textContent = `${form.lat.value}, ${form.lon.value}`;
    if (pin) pin.setLatLng(ev.latlng); else pin = L.marker(ev.latlng).addTo(map);
  });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!form.lat.value) { document.getElementById("new-where").textContent = T.click_map; return; }
    const now = new Date().toISOString();
    const created = await postJSON("/api/incidents", {
      source: "emergency_call", category: form.category.value, priority: Number(form.priority.value),
      occurred_at: now, received_at: now, latitude: Number(form.lat.value), longitude: Number(form.lon.value),
      address: form.address.value || null,
    });
    if (pin) { map.removeLayer(pin); pin = null; }
    form.reset();
    document.getElementById("new-incident-box").open = false;
    await loadQueue();
    await select(created.id);
  });

  async function loadAuthorizations() {
    const list = document.getElementById("authorizations");
    list.replaceChildren();
    for (const a of await getJSON("/api/command/authorizations")) {
      if (!a.active) continue;
      const li = document.createElement("li");
      li.textContent = `${a.number} — ${a.area_label}, ${limaTime(a.ends_at)}` + (a.expires_soon ? ` (${T.expires_soon})` : "");
      if (a.expires_soon) li.className = "error";
      list.append(li);
      L.geoJSON(a.area, { interactive: false, style: { color: "#6a1b9a", weight: 2, dashArray: "6 4", fill: false } }).addTo(map);
    }
  }

  (async () => {
    await live.start();
    drawBoard();
    await loadQueue();
    loadAuthorizations().catch(() => {});
  })();
})();
