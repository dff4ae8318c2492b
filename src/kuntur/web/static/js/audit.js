/* The audit page: search events, open an event's inclusion proof and check it here,
   in the browser, against the latest signed checkpoint (SubtleCrypto SHA-256). */
"use strict";
(function () {
  const tbody = document.querySelector("#audit-table tbody");
  const b64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, "0")).join("");

  async function sha256(parts) {
    const len = parts.reduce((n, p) => n + p.length, 0);
    const buf = new Uint8Array(len);
    let o = 0;
    for (const p of parts) { buf.set(p, o); o += p.length; }
    return new Uint8Array(await crypto.subtle.digest("SHA-256", buf));
  }

  // RFC 9162 2.1.3.2, the same algorithm as kuntur.audit.merkle.verify_inclusion.
  async function verifyInclusion(index, size, leaf, proof, root) {
    if (index >= size) return false;
    let fn = index, sn = size - 1, r = leaf;
    for (const p of proof) {
      if (sn === 0) return false;
      if ((fn & 1) || fn === sn) {
        r = await sha256([new Uint8Array([1]), p, r]);
        if (!(fn & 1)) { while (fn && !(fn & 1)) { fn >>= 1; sn >>= 1; } }
      } else {
        r = await sha256([new Uint8Array([1]), r, p]);
      }
      fn >>= 1; sn >>= 1;
    }
    return sn === 0 && hex(r) === hex(root);
  }

  async function showProof(idx) {
    const panel = document.getElementById("proof");
    const body = document.getElementById("proof-body");
    body.replaceChildren();
    const add = (k, v) => {
      const dt = document.createElement("dt"); dt.textContent = k;
      const dd = document.createElement("dd"); dd.textContent = v;
      body.append(dt, dd);
    };
    try {
      const p = await getJSON(`/api/audit/proofs/inclusion?index=${idx}`);
      const ok = await verifyInclusion(p.index, p.size, b64(p.leaf_hash), p.proof.map(b64), b64(p.root));
      add("#", String(p.index));
      add(T.tree_size, String(p.size));
      add(T.root, hex(b64(p.root)));
      add(T.proof, p.proof.map((x) => hex(b64(x)).slice(0, 16) + "…").join("\n") || "—");
      add(T.verified, ok ? T.proof_ok : T.proof_bad);
      panel.dataset.verified = String(ok);
    } catch (e) { add(T.error, e.message); }
    panel.hidden = false;
  }

  async function load() {
    const form = document.getElementById("audit-filters");
    const q = new URLSearchParams();
    for (const k of ["actor", "object_id", "type", "start", "end"]) {
      if (form[k].value) q.set(k, form[k].value);
    }
    try {
      const page = await getJSON(`/api/audit/events?${q}`);
      tbody.replaceChildren();
      for (const e of page.items) {
        const tr = document.createElement("tr");
        tr.dataset.idx = e.idx;
        for (const v of [e.idx, limaTime(e.at), e.type, e.actor, `${e.object_type || ""} ${e.object_id || ""}`, e.outcome]) {
          const td = document.createElement("td"); td.textContent = String(v); tr.append(td);
        }
        tr.addEventListener("click", () => showProof(e.idx));
        tbody.append(tr);
      }
      document.getElementById("audit-total").textContent = page.total.toLocaleString(KUNTUR.lang);
    } catch (e) { document.getElementById("audit-total").textContent = e.message; }
    try {
      const cps = await getJSON("/api/audit/checkpoints?limit=10");
      const ul = document.getElementById("checkpoints");
      ul.replaceChildren();
      for (const c of cps) {
        const li = document.createElement("li");
        li.textContent = `#${c.id}: ${c.size} — ${limaTime(c.at)} — ${T.witnesses}: ${c.witnesses.join(", ") || "—"}`;
        ul.append(li);
      }
    } catch (e) { /* no checkpoint yet */ }
  }

  document.getElementById("audit-filters").addEventListener("submit", (ev) => { ev.preventDefault(); load(); });
  load();
})();
