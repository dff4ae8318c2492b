/* The use-of-force report form: the reports due (incidents closed with force), and filing
   one; the answer says what is still missing, which deadline passed and where it goes. */
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const form = $("uof-form");
  const lima = (v) => (v ? `${v.length === 16 ? `${v}:00` : v}-05:00` : null);  // Peru: UTC-5
  const lines = (text) => text.split("\n").map((l) => l.trim()).filter(Boolean).map((l) => l.split(",").map((x) => x.trim()));
  const words = (keys) => keys.map((k) => T[`uof_key_${k}`] || k).join("; ") || "—";
  const LEVELS = ["presence", "verbal", "physical", "non_lethal", "firearm"];
  const rows = $("members");
  function noteMembers(text) {
    $("members-note").textContent = rows.children.length ? (text || "") : T.uof_member_none;
  }
  function addMember(p, level) {
    if (rows.querySelector(`tr[data-personnel="${p.id}"]`)) return;
    const tr = document.createElement("tr");
    tr.dataset.personnel = String(p.id);
    const who = document.createElement("td");
    who.textContent = `${p.service_number} · ${p.name} (${p.rank}, ${p.agency})`;
    const sel = document.createElement("select");
    sel.name = "level";
    for (const v of ["", ...LEVELS]) {
      const o = document.createElement("option");
      o.value = v; o.textContent = v ? T[`uof_level_${v}`] || v : T.uof_level_choose;
      sel.append(o);
    }
    sel.value = level || "";
    const rounds = document.createElement("input");
    rounds.type = "number"; rounds.min = "0"; rounds.max = "1000"; rounds.value = "0";
    rounds.name = "rounds"; rounds.title = T.uof_rounds; rounds.setAttribute("aria-label", T.uof_rounds);
    const drop = document.createElement("button");
    drop.type = "button"; drop.textContent = T.uof_member_remove;
    drop.addEventListener("click", () => { tr.remove(); noteMembers(); });
    const cells = [who, sel, rounds, drop].map((el) => {
      if (el.tagName === "TD") return el;
      const td = document.createElement("td"); td.append(el); return td;
    });
    tr.append(...cells);
    rows.append(tr);
    rows.dataset.rows = String(rows.children.length);
  }
  let searching = 0;
  $("member-q").addEventListener("input", async (ev) => {
    const q = ev.target.value.trim();
    const ul = $("member-results");
    const mine = ++searching;
    if (q.length < 2) { ul.replaceChildren(); return; }
    await new Promise((ok) => setTimeout(ok, 200));
    if (mine !== searching) return;  // typed on
    try {
      const found = await getJSON(`/api/oversight/uof/members?q=${encodeURIComponent(q)}`);
      if (mine !== searching) return;
      ul.replaceChildren();
      for (const p of found) {
        const li = document.createElement("li");
        const b = document.createElement("button");
        b.type = "button"; b.textContent = `${T.uof_member_pick}: ${p.service_number} · ${p.name}`;
        b.addEventListener("click", () => { addMember(p); noteMembers(); ul.replaceChildren(); ev.target.value = ""; });
        li.append(b); ul.append(li);
      }
      ul.dataset.rows = String(found.length);
    } catch (e) { $("uof-error").textContent = e.message; $("uof-error").hidden = false; }
  });
  async function loadPending() {
    const rows = await getJSON("/api/oversight/uof/pending");
    const ul = $("pending"); ul.replaceChildren();
    for (const r of rows) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = `?incident=${r.incident_id}&report=${r.id}`; a.textContent = `${T.uof_incident} #${r.incident_id}`;
      li.append(a, ` · ${limaTime(r.incident_at)} · ${T.uof_missing}: ${words(r.missing)}`);
      ul.append(li);
    }
    ul.dataset.rows = String(rows.length);
    return rows;
  }
  const params = new URLSearchParams(location.search);
  const incident = params.get("incident");
  let report = /^\d+$/.test(params.get("report") || "") ? params.get("report") : null;
  if (incident) form.incident_id.value = incident;
  function prefill(id) {
    // A report due: start from who was on the unit's shift at the incident's time.
    getJSON(`/api/oversight/uof/members?report=${id}`).then((found) => {
      for (const p of found) addMember(p);
      noteMembers(found.length ? T.uof_member_prefilled : "");
    }).catch((e) => { $("uof-error").textContent = e.message; $("uof-error").hidden = false; });
  }
  if (report) prefill(report);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    $("uof-error").hidden = true;
    const force = [...rows.children].map((tr) => ({
      personnel_id: Number(tr.dataset.personnel),
      level: tr.querySelector("select[name=level]").value,
      rounds: Number(tr.querySelector("input[name=rounds]").value || 0),
    }));
    if (!force.length || force.some((f) => !f.level)) {
      $("uof-error").textContent = force.length ? T.uof_level_needed : T.uof_member_none;
      $("uof-error").hidden = false;
      return;
    }
    const body = {
      force,
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
      const open = document.createElement("a");
      open.href = `/uso-fuerza/${r.id}`; open.textContent = T.uof_open;
      open.setAttribute("data-testid", "uof-open");
      const dd = document.createElement("dd"); dd.append(open); dl.append(dd);
      dl.hidden = false; dl.dataset.report = String(r.id);
      await loadPending();
    } catch (e) { $("uof-error").textContent = e.message; $("uof-error").hidden = false; }
  });
  loadPending().then((due) => {
    // Sent here from the dispatch panel (an incident cleared with force): its report due.
    const mine = !report && incident && due.find((r) => String(r.incident_id) === incident);
    if (mine) {
      report = String(mine.id);
      history.replaceState(null, "", `?incident=${mine.incident_id}&report=${mine.id}`);
      prefill(report);
    }
  }).catch((e) => { $("uof-error").textContent = e.message; $("uof-error").hidden = false; });
})();
