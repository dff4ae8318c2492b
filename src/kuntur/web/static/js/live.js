/* The live picture on any Leaflet map: every unit (colour = status), orders with a place,
   kept current by server-sent events. Used by the dispatcher's screen and the operational
   map. Text goes through textContent / tooltips only. */
"use strict";
const UNIT_COLORS = {
  available: "#2e7d32", dispatched: "#f9a825", en_route: "#ef6c00", on_scene: "#c62828",
  returning: "#1565c0", out_of_service: "#616161", off_duty: "#9e9e9e",
};

function kunturLive(map, hooks) {
  const STATUS = KUNTUR.unit_status || {};
  const mapEl = map.getContainer();
  const unitLayer = L.layerGroup().addTo(map);
  const orderLayer = L.layerGroup().addTo(map);
  const units = new Map();  // id -> {data, marker}
  const orders = new Map();

  const style = (u) => ({
    radius: u.military ? 7 : 5, color: "#fff", weight: 1,
    fillColor: UNIT_COLORS[u.status] || "#333", fillOpacity: 0.95,
  });
  // Leaflet puts a string tooltip in as HTML: an order's text must never be markup, so
  // every tooltip is a text node.
  const asText = (s) => document.createTextNode(s);
  const label = (u) => asText(`${u.call_sign} — ${STATUS[u.status] || u.status}`);

  function upsertUnit(u) {
    const known = units.get(u.id);
    const data = known ? { ...known.data, ...u } : u;
    if (data.lon == null || data.lat == null) return;
    if (known) {
      known.data = data;
      known.marker.setLatLng([data.lat, data.lon]).setStyle(style(data)).setTooltipContent(label(data));
    } else {
      const marker = L.circleMarker([data.lat, data.lon], style(data)).bindTooltip(label(data));
      unitLayer.addLayer(marker);
      units.set(u.id, { data, marker });
    }
    // What a test (or a curious user) can read without looking at pixels.
    mapEl.dataset[`unit${u.id}`] = data.status;
  }

  // An order is drawn labelled, never as a bare circle: "Orden #12 · patrullaje (emitida)"
  // always shown beside it, the whole text on hover.
  const TX = (typeof T === "object" && T) || {};
  const orderLabel = (o) => {
    const k = o.order_kind || o.kind;  // live events name it order_kind (their kind is "order")
    const kind = TX[`order_kind_${k}`] || k;
    const status = TX[`order_${o.status}`] || o.status;
    return `${TX.order_label || "Orden"} #${o.id} · ${kind} (${status})`;
  };
  function upsertOrder(o) {
    if (o.lon == null || o.lat == null) return;
    const text = asText(`${orderLabel(o)}: ${o.text}`);
    const known = orders.get(o.id);
    if (known) {
      known.ring.setTooltipContent(text);
      known.tag.setTooltipContent(asText(orderLabel(o)));
      mapEl.dataset[`order${o.id}`] = o.status;
      return;
    }
    const done = o.status === "completed";
    const ring = L.circleMarker([o.lat, o.lon], {
      radius: 9, color: "#6a1b9a", weight: 2, fill: true, fillOpacity: done ? 0.05 : 0.25,
      dashArray: done ? "3 3" : null,
    }).bindTooltip(text);
    // The label: a second, permanent tooltip on an invisible point (Leaflet keeps one per layer).
    const tag = L.circleMarker([o.lat, o.lon], { radius: 0, opacity: 0, fillOpacity: 0, interactive: false })
      .bindTooltip(asText(orderLabel(o)), { permanent: true, direction: "right", offset: [10, 0], className: "order-label" });
    orderLayer.addLayer(ring); orderLayer.addLayer(tag);
    orders.set(o.id, { ring, tag });
    mapEl.dataset[`order${o.id}`] = o.status;
  }

  function connect() {
    const es = new EventSource("/api/dispatch/live");
    es.onopen = () => { mapEl.dataset.live = "on"; if (hooks.onOpen) hooks.onOpen(); };
    es.onerror = () => { if (hooks.onError) hooks.onError(); };
    // The server ends the stream of a session that was closed or a user who was disabled.
    es.addEventListener("session_ended", () => {
      es.close();
      mapEl.dataset.live = "ended";
      location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
    });
    es.onmessage = (msg) => {
      const ev = JSON.parse(msg.data);
      if (ev.kind === "unit") upsertUnit(ev);
      if (ev.kind === "positions") for (const p of ev.positions) upsertUnit(p);
      if (ev.kind === "order") upsertOrder(ev);
      if (hooks.onEvent) hooks.onEvent(ev);
    };
    return es;
  }

  async function start() {
    for (const u of await getJSON("/api/command/units")) upsertUnit(u);
    getJSON("/api/command/orders").then((os) => os.forEach(upsertOrder)).catch(() => {});
    return connect();
  }

  return { units, unitLayer, orderLayer, start, upsertOrder, upsertUnit };
}
