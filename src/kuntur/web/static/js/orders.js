/* The orders screen: orders down the chain of command with each one's chain (issuer ›
   target) and legal basis in view, acknowledge and complete by the receiving chain, a
   form to issue one (the server checks orders.issue, the chain and the legal basis and
   says why it refuses), and the orders on the live map, labelled. Each panel loads on its
   own and says so when the reader's role may not use it. Text goes through textContent. */
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const map = kunturBaseMap({ outlines: true });
  const live = kunturLive(map, { onEvent: (ev) => { if (ev.kind === "order") loadOrders(); } });
  let nodes = new Map();  // id -> node
  let unitsById = new Map();
  let bases = new Map();  // id -> authorization

  const load = getJSON;  // keeps the answer's status on the error (common.js)
  const denied = (e) => (e.status === 403 ? (T.panel_forbidden || "{why}").replace("{why}", e.message) : `${T.error}: ${e.message}`);

  function chain(id) {
    const names = [];
    for (let n = nodes.get(id), guard = 0; n && guard < 20; n = nodes.get(n.parent_id), guard++) names.unshift(n.name);
    return names.join(" › ") || (id ? `#${id}` : "—");
  }
  function target(o) {
    if (o.target_unit_id) {
      const u = unitsById.get(o.target_unit_id);
      return u ? `${chain(u.command_unit_id)} › ${u.call_sign}` : `#${o.target_unit_id}`;
    }
    return chain(o.target_node_id);
  }

  // "issuer → … › what lies below it": the target's chain without the part they share.
  function route(o) {
    const from = chain(o.issuer_node_id); const to = target(o);
    return to.startsWith(from + " › ") ? `${from} → … › ${to.slice(from.length + 3)}` : `${from} → ${to}`;
  }

  async function loadTree() {
    const list = $("tree");
    try {
      const tree = await load("/api/command/tree");
      nodes = new Map(tree.map((n) => [n.id, n]));
    } catch (e) { const li = document.createElement("li"); li.textContent = denied(e); list.replaceChildren(li); return; }
    list.replaceChildren();
    const issuer = $("o-issuer"); const tnode = $("o-target-node");
    issuer.replaceChildren(); tnode.replaceChildren(new Option("—", ""));
    for (const n of nodes.values()) {
      const li = document.createElement("li");
      li.textContent = chain(n.id) + ` (${n.agency})`;
      list.append(li);
      issuer.append(new Option(chain(n.id), String(n.id)));
      tnode.append(new Option(chain(n.id), String(n.id)));
    }
  }
  async function loadUnits() {
    try {
      const us = await load("/api/command/units");
      unitsById = new Map(us.map((u) => [u.id, u]));
      const sel = $("o-target-unit");
      sel.replaceChildren(new Option("—", ""));
      for (const u of us) sel.append(new Option(`${u.call_sign} (${u.agency})`, String(u.id)));
    } catch (e) { /* the target-unit list stays empty: nodes still work */ }
  }
  async function loadBases() {
    try { bases = new Map((await load("/api/command/authorizations")).map((a) => [a.id, a])); } catch (e) { /* ids only */ }
  }

  function receives(o) {
    // The receiving chain: the reader's node is the target's node or above it, and is not
    // the issuer's (who cannot answer their own order). The server checks the same.
    const mine = KUNTUR.node;
    if (!mine || mine === o.issuer_node_id) return false;
    let id = o.target_node_id;
    if (!id && o.target_unit_id) { const u = unitsById.get(o.target_unit_id); id = u ? u.command_unit_id : null; }
    for (let guard = 0; id && guard < 20; guard++) { if (id === mine) return true; const n = nodes.get(id); id = n ? n.parent_id : null; }
    return false;
  }

  function action(o) {
    // Answering an order is an operational report of the receiving chain: a role without
    // it (oversight), or a reader outside that chain, is not offered the buttons (the
    // server refuses them anyway).
    if (!(KUNTUR.can || []).includes("units.report") || !receives(o)) return null;
    if (o.status === "issued") return ["acknowledge", T.acknowledge];
    if (o.status === "acknowledged") return ["complete", T.complete];
    return null;
  }

  async function loadOrders() {
    const body = $("orders-body");
    let orders;
    try { orders = await load("/api/command/orders"); } catch (e) {
      const tr = document.createElement("tr"); const td = document.createElement("td");
      td.colSpan = 7; td.textContent = denied(e); tr.append(td); body.replaceChildren(tr); return;
    }
    body.replaceChildren();
    for (const o of orders) {
      live.upsertOrder(o);
      const tr = document.createElement("tr");
      tr.dataset.order = String(o.id); tr.dataset.status = o.status;
      const basis = o.legal_basis_id ? bases.get(o.legal_basis_id) : null;
      const cells = [
        String(o.id),
        T[`order_kind_${o.kind}`] || o.kind,
        o.text,
        route(o),
        o.legal_basis_id ? (basis ? `${basis.number} (${basis.area_label})` : `#${o.legal_basis_id}`) : T.no_basis,
        `${T[`order_${o.status}`] || o.status} · ${T.by} ${o.issued_by.replace(/^user:/, "")}` +
          (o.acknowledged_by ? `; ${T.order_acknowledged} ${T.by} ${o.acknowledged_by.replace(/^user:/, "")}` : ""),
      ];
      for (const c of cells) { const td = document.createElement("td"); td.textContent = c; tr.append(td); }
      const td = document.createElement("td");
      const act = action(o);
      if (act) {
        const b = document.createElement("button");
        b.type = "button"; b.textContent = act[1]; b.dataset.action = act[0];
        const err = document.createElement("div"); err.className = "error";
        b.addEventListener("click", async () => {
          try { await postJSON(`/api/command/orders/${o.id}/${act[0]}`); await loadOrders(); }
          catch (e) { err.textContent = e.message; }
        });
        td.append(b, err);
      }
      tr.append(td);
      body.append(tr);
    }
    if (!orders.length) {
      const tr = document.createElement("tr"); const c = document.createElement("td");
      c.colSpan = 7; c.className = "hint"; c.textContent = T.none_yet; tr.append(c); body.append(tr);
    }
    body.dataset.rows = String(orders.length);
  }

  // Issue: the place by clicking the map; a window from now to six hours on by default.
  const form = $("order-form");
  const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  form.starts.value = local(new Date());
  form.ends.value = local(new Date(Date.now() + 6 * 3600 * 1000));
  let pin = null;
  map.on("click", (ev) => {
    form.lat.value = ev.latlng.lat.toFixed(6); form.lon.value = ev.latlng.lng.toFixed(6);
    $("o-where").textContent = `${form.lat.value}, ${form.lon.value}`;
    if (pin) pin.setLatLng(ev.latlng); else pin = L.marker(ev.latlng).addTo(map);
  });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    $("order-error").textContent = "";
    const body = {
      issuer_node_id: Number(form.issuer.value), kind: form.kind.value, text: form.text.value,
      starts_at: new Date(form.starts.value).toISOString(), ends_at: new Date(form.ends.value).toISOString(),
    };
    if (form.target_unit.value) body.target_unit_id = Number(form.target_unit.value);
    else if (form.target_node.value) body.target_node_id = Number(form.target_node.value);
    if (form.lat.value) { body.lat = Number(form.lat.value); body.lon = Number(form.lon.value); }
    const r = await fetch("/api/command/orders", {
      method: "POST", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
    });
    if (r.ok) { form.text.value = ""; await loadOrders(); return; }
    let detail = String(r.status);
    try { const j = await r.json(); detail = typeof j.detail === "string" ? j.detail : JSON.stringify(j.detail); } catch (e) { /* keep it */ }
    // Refused for the role: say which permission, in words, before the server's own.
    $("order-error").textContent = r.status === 403 && /orders\.issue/.test(detail) ? `${T.issue_needs} (${detail})` : detail;
  });

  (async () => {
    await Promise.allSettled([loadTree(), loadUnits(), loadBases()]);
    await loadOrders();
    live.start().catch(() => {});
  })();
})();
