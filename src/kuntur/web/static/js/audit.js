/* The audit page: search events (by name or code, page by page), open one to see what it
   records, and check in this browser that it is in the log a signed checkpoint vouches for:
   the checkpoint's Ed25519 signature (WebCrypto) and the event's inclusion proof against
   that checkpoint's root (SHA-256), never against the live tree. */
"use strict";
// What an event is about, in words: "Incidente 123", not "incident 123".
const objectLabel = (e) => {
  const kind = e.object_type ? (T[`object_${e.object_type}`] || e.object_type.replaceAll("_", " ")) : "";
  return `${kind} ${e.object_id || ""}`.trim() || "—";
};
(function () {
  const PAGE = 100;
  const tbody = document.querySelector("#audit-table tbody");
  const b64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, "0")).join("");
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
  // Event types in the page's language, as the type filter lists them (from the registry).
  const TYPE_TITLES = Object.fromEntries(
    Array.from(document.querySelectorAll("#a-type option"), (o) => [o.value, o.textContent]));
  const typeTitle = (code) => TYPE_TITLES[code] || code;
  const outcomeLabel = (code) => T[`outcome_${code}`] || code;
  const who = (e) => (e.actor_name ? `${e.actor_name} (${e.actor})` : e.actor);
  let offset = 0;
  let opened = null;

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

  // The note a checkpoint signs (kuntur.audit.keys.checkpoint_note), rebuilt here from its
  // size, root and time: the server's copy of the note is not trusted, only compared.
  const noteOf = (cp) => `kuntur-audit-v1\n${cp.size}\n${cp.root}\n${cp.at}\n`;

  // "valid", "invalid" or "unsupported" (a browser without Ed25519 in WebCrypto).
  async function checkSignature(cp, publicKey) {
    let key;
    try {
      key = await crypto.subtle.importKey("raw", b64(publicKey), { name: "Ed25519" }, false, ["verify"]);
    } catch (e) { return "unsupported"; }
    const note = noteOf(cp);
    if (note !== cp.note) return "invalid";
    const ok = await crypto.subtle.verify({ name: "Ed25519" }, key, b64(cp.signature), new TextEncoder().encode(note));
    const keyId = hex(await sha256([b64(publicKey)])).slice(0, 16);
    return ok && keyId === cp.key_id ? "valid" : "invalid";
  }

  function list(dl) {
    dl.replaceChildren();
    return (k, v, testid) => {
      const dt = document.createElement("dt"); dt.textContent = k;
      const dd = document.createElement("dd"); dd.textContent = v;
      if (testid) dd.dataset.testid = testid;
      dl.append(dt, dd);
    };
  }

  function showEvent(e) {
    const add = list(document.getElementById("event-body"));
    add("#", String(e.idx));
    add(T.event_type, typeTitle(e.type), "event-type");
    add(T.when, limaTime(e.at));
    add(T.actor, who(e));
    add(T.agency, e.agency || "—");
    add(T.object, objectLabel(e));
    add(T.purpose, e.purpose || "—", "event-purpose");
    add(T.outcome, outcomeLabel(e.outcome), "event-outcome");
    add(T.request, e.request_id || "—");
    const details = Object.entries(e.details || {}).map(([k, v]) =>
      `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
    add(T.details, details.join("\n") || "—", "event-details");
    add(T.leaf, hex(b64(e.leaf_hash)));
  }

  // Each opening of an event's proof takes a number; a proof that finishes after another
  // event was opened is dropped, so the panel never shows one event's verdict beside
  // another event (two quick clicks, or a reload while a proof was loading).
  let proofSeq = 0;

  async function showProof(e) {
    const panel = document.getElementById("proof");
    const body = document.getElementById("proof-body");
    const mine = ++proofSeq;
    const current = () => mine === proofSeq;
    list(body);
    panel.dataset.verified = "pending";
    try {
      const r = await fetch(`/api/audit/checkpoints/covering?index=${e.idx}`, { headers: { Accept: "application/json" } });
      if (!current()) return;
      if (r.status === 404) {
        list(body)(T.verified, T.uncovered, "proof-verdict");
        panel.dataset.verified = "uncovered";
        return;
      }
      if (!r.ok) throw new Error(`${T.error}: ${r.status}`);
      const cp = await r.json();
      const [key, p] = await Promise.all([
        getJSON("/api/audit/public-key"),
        getJSON(`/api/audit/proofs/inclusion?index=${e.idx}&size=${cp.size}`),
      ]);
      const signature = await checkSignature(cp, key.public_key);
      // The leaf the event was logged with, against the root the checkpoint signed.
      const sameLeaf = p.leaf_hash === e.leaf_hash;
      const included = sameLeaf && await verifyInclusion(e.idx, cp.size, b64(e.leaf_hash), p.proof.map(b64), b64(cp.root));
      if (!current()) return;
      const ok = included && signature === "valid";
      const add = list(body);
      add(T.cp_used, fill(T.cp_line, { id: cp.id, size: cp.size.toLocaleString(KUNTUR.lang), at: limaTime(cp.at) }), "proof-checkpoint");
      add(T.signature, signature === "valid" ? `${fill(T.sig_ok, { key: cp.key_id })}. ${T.key_pin}.`
        : signature === "invalid" ? T.sig_bad : T.sig_unsupported, "proof-signature");
      add(T.witnessed, cp.witnesses.length ? fill(T.witnessed_note, { names: cp.witnesses.join(", ") }) : T.no_witness, "proof-witnesses");
      add(T.tree_size, cp.size.toLocaleString(KUNTUR.lang));
      add(T.root, hex(b64(cp.root)));
      add(T.proof, p.proof.map((x) => hex(b64(x)).slice(0, 16) + "…").join("\n") || "—");
      add(T.verified, ok ? T.proof_ok : T.proof_bad, "proof-verdict");
      add(T.not_checked, T.not_checked_text);
      panel.dataset.verified = String(ok);
      panel.dataset.checkpoint = String(cp.id);
      panel.dataset.signature = signature;
    } catch (err) {
      if (!current()) return;
      list(body)(T.error, err.message);
      panel.dataset.verified = "error";
    }
  }

  function open(e) {
    opened = e;
    document.getElementById("proof").hidden = false;
    showEvent(e);
    showProof(e);
  }

  async function loadStatus() {
    const line = document.getElementById("log-status");
    try {
      const s = await getJSON("/api/audit/status");
      const n = (x) => x.toLocaleString(KUNTUR.lang);
      line.textContent = s.checkpoint
        ? fill(T.log_status, { size: n(s.size), covered: n(s.checkpoint.size), uncovered: n(s.uncovered) })
        : `${n(s.size)} ${T.events}; ${T.no_checkpoint}`;
      document.getElementById("sign-now").hidden = !s.may_checkpoint;
    } catch (e) { line.textContent = e.message; }
    try {
      const cps = await getJSON("/api/audit/checkpoints?limit=10");
      const ul = document.getElementById("checkpoints");
      ul.replaceChildren();
      for (const c of cps) {
        const li = document.createElement("li");
        li.textContent = `${fill(T.cp_line, { id: c.id, size: c.size.toLocaleString(KUNTUR.lang), at: limaTime(c.at) })} — ${T.witnesses}: ${c.witnesses.join(", ") || "—"}`;
        ul.append(li);
      }
    } catch (e) { /* no checkpoint yet */ }
  }

  async function load() {
    const form = document.getElementById("audit-filters");
    const q = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    for (const k of ["actor", "object_id", "type", "start", "end"]) {
      if (form[k].value) q.set(k, form[k].value);
    }
    try {
      const page = await getJSON(`/api/audit/events?${q}`);
      tbody.replaceChildren();
      for (const e of page.items) {
        const tr = document.createElement("tr");
        tr.dataset.idx = e.idx;
        tr.dataset.type = e.type;
        const cells = [e.idx, limaTime(e.at), typeTitle(e.type), who(e),
          objectLabel(e), outcomeLabel(e.outcome)];
        for (const v of cells) {
          const td = document.createElement("td"); td.textContent = String(v); tr.append(td);
        }
        tr.tabIndex = 0;
        tr.addEventListener("click", () => open(e));
        tr.addEventListener("keydown", (ev) => { if (ev.key === "Enter") open(e); });
        tbody.append(tr);
      }
      const pages = Math.max(1, Math.ceil(page.total / PAGE));
      const at = Math.floor(offset / PAGE) + 1;
      document.getElementById("audit-total").textContent = page.total.toLocaleString(KUNTUR.lang);
      document.getElementById("a-page").textContent = `${T.page} ${at} ${T.of} ${pages}`;
      document.getElementById("a-prev").disabled = offset === 0;
      document.getElementById("a-next").disabled = offset + PAGE >= page.total;
    } catch (e) { document.getElementById("audit-total").textContent = e.message; }
  }

  document.getElementById("audit-filters").addEventListener("submit", (ev) => { ev.preventDefault(); offset = 0; load(); });
  document.getElementById("a-prev").addEventListener("click", () => { offset = Math.max(0, offset - PAGE); load(); });
  document.getElementById("a-next").addEventListener("click", () => { offset += PAGE; load(); });
  document.getElementById("sign-now").addEventListener("click", async () => {
    const out = document.getElementById("sign-result");
    let said;
    try {
      const cp = await postJSON("/api/audit/checkpoints");
      said = fill(T.signed_now, { id: cp.id, size: cp.size.toLocaleString(KUNTUR.lang) });
    } catch (e) { said = e.message; }
    // The log and the status are reloaded before the result is shown, so a row clicked
    // once the result is on screen is a row of the reloaded table (a click on the old
    // one could open the event two rows away once the new events are listed).
    await loadStatus();
    await load();
    out.textContent = said;
    out.hidden = false;
    if (opened) showProof(opened);
  });
  loadStatus();
  load();
})();
