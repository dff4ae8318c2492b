/* The dispatch page's field panel (issue 20): per open dispatch, whether it reached the
   unit's phone (sent, received, acknowledged) and the unit's last contact; the devices
   signed in now, each revocable. Read every few seconds; shown only to a desk that holds
   field.devices (anyone else gets 403 and sees nothing of it). */
"use strict";
(function () {
  const box = document.getElementById("field-desk");
  if (!box) return;
  const STATE = { sent: T.field_sent, received: T.field_received, acknowledged: T.field_acknowledged };
  const cell = (tag, text, attrs) => {
    const el = document.createElement(tag);
    el.textContent = text;
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
    return el;
  };
  const row = (tag, values) => {
    const tr = document.createElement("tr");
    for (const v of values) tr.append(v instanceof Node ? v : cell(tag, v));
    return tr;
  };
  const when = (iso) => (iso ? fmtTime(iso) : "—");

  function fmtTime(iso) {
    return new Date(iso).toLocaleTimeString(KUNTUR.lang === "es" ? "es-PE" : "en-GB", {
      hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone: "America/Lima",
    });
  }

  async function draw() {
    let deliveries, devices;
    try {
      [deliveries, devices] = await Promise.all([getJSON("/api/field/deliveries"), getJSON("/api/field/devices")]);
    } catch (e) {
      box.hidden = true; // not this desk's (403), or the network: the rest of the page goes on
      return;
    }
    box.hidden = false;
    const d = document.getElementById("field-deliveries");
    d.replaceChildren(row("th", [T.field_unit, T.field_incident, T.field_delivery, T.field_contact]));
    if (!deliveries.length) d.append(row("td", [T.field_no_dispatches, "", "", ""]));
    for (const x of deliveries) {
      const badge = cell("span", x.on_app ? STATE[x.state] : T.field_off_app, {
        class: "badge field-" + (x.on_app ? x.state : "off"),
        "data-testid": "field-state",
        "data-unit": x.call_sign,
      });
      const td = document.createElement("td");
      td.append(badge);
      d.append(row("td", [x.call_sign, "#" + x.incident_id, td, when(x.last_contact_at)]));
    }
    const v = document.getElementById("field-devices");
    v.replaceChildren();
    if (!devices.length) v.append(row("td", [T.field_no_devices]));
    for (const x of devices) {
      const b = cell("button", T.field_revoke, { type: "button", "data-testid": "field-revoke" });
      b.addEventListener("click", async () => {
        if (!confirm(T.field_revoke_confirm)) return;
        try { await postJSON(`/api/field/devices/${x.id}/revoke`); } catch (e) { alert(e.message); }
        draw();
      });
      const td = document.createElement("td");
      td.append(b);
      v.append(row("td", [x.call_sign, x.officer_name, when(x.last_contact_at), td]));
    }
  }
  draw();
  setInterval(draw, 3000);
})();
