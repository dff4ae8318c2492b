/* The use-of-force report form: the reports due (incidents closed with force), and filing
   one; the answer says what is still missing, which deadline passed and where it goes. */
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const form = $("uof-form");
  const lima = (v) => (v ? `${v.length === 16 ? `${v}:00` : v}-05:00` : null);  // Peru: UTC-5
  const lines = (text) => text.split("\n").map((l) => l.trim()).filter(Boolean).map((l) => l.split(",").map((x) => x.trim()));
  const words = (keys) => keys.map((k) => T[`uof_key_${k}`] || k).join("; ") || "—";
  async function loadPending() {
    const rows = await getJSON("/api/oversight/uof/pending");
    const ul = $("pending"); ul.replaceChildren();
    for (const r of rows) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = `?incident=${r.incident_id}`; a.textContent = `${T.uof_incident} #${r.incident_id}`;
      li.append(a, ` · ${limaTime(r.incident_at)} · ${T.uof_missing}: ${words(r.missing)}`);
      ul.append(li);
    }
    ul.dataset.rows = String(rows.length);
  }
  const params = new URLSearchParams(location.search);
  if (params.get("incident")) form.incident_id.value = params.get("incident");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    $("uof-error").hidden = true;
    const body = {
      force: lines(form.force.value).map(([id, level, rounds]) => ({ personnel_id: Number(id), level, rounds: Number(rounds || 0) })),
      affected: lines(form.affected.value).map(([outcome, age, sex]) => ({ outcome, age: age ? Number(age) : null, sex: sex || null })),
      place: form.place.value, location_type: form.location_type.value, contact_reason: form.contact_reason.value,
      medical_aid_at: lima(form.medical_aid_at.value), medical_aid_by: form.medical_aid_by.value || null,
      family_notified_at: lima(form.family_notified_at.value),
      supervisor_present: form.supervisor_present.checked,
      bodycam_refs: form.refs.value ? form.refs.value.split(",").map((x) => x.trim()) : [],
    };
    if (form.incident_id.value) body.incident_id = Number(form.incident_id.value);
    if (form.incident_at.value) body.incident_at = lima(form.incident_at.value);
    if (form.legal_basis_id.value) body.legal_basis_id = Number(form.legal_basis_id.value);
    try {
      const r = await postJSON("/api/oversight/uof", body);
      const dl = $("uof-result"); dl.replaceChildren();
      for (const [k, v] of [["#", String(r.id)], [T.uof_missing, words(r.check.missing)],
        [T.uof_overdue, words(r.check.overdue)], [T.uof_referrals, words(r.check.referrals)]]) {
        const dt = document.createElement("dt"); dt.textContent = k;
        const dd = document.createElement("dd"); dd.textContent = v;
        dl.append(dt, dd);
      }
      dl.hidden = false; dl.dataset.report = String(r.id);
      await loadPending();
    } catch (e) { $("uof-error").textContent = e.message; $("uof-error").hidden = false; }
  });
  loadPending().catch((e) => { $("uof-error").textContent = e.message; $("uof-error").hidden = false; });
})();
