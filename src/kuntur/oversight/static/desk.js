/* The oversight desk: the figures with the records behind them (links to each report),
   deadlines missed, open flags, and countersigning a checkpoint. textContent only. */
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const can = (code) => (KUNTUR.can || []).includes(code);
  function links(ids) {
    const span = document.createElement("span");
    for (const id of ids.slice(0, 50)) {
      const a = document.createElement("a");
      a.href = `/uso-fuerza/${id}`; a.textContent = `#${id}`;
      span.append(a, " ");
    }
    if (ids.length > 50) span.append(`(+${ids.length - 50})`);
    return span;
  }
  function row(body, cells) {
    const tr = document.createElement("tr");
    for (const c of cells) {
      const td = document.createElement("td");
      if (c instanceof Node) td.append(c); else td.textContent = String(c);
      tr.append(td);
    }
    body.append(tr);
  }
  // A server text is "es / en": the reader's half.
  const half = (s) => { const p = String(s).split(" / "); return p.length === 2 ? p[KUNTUR.lang === "en" ? 1 : 0] : s; };
  function figures(id, list) {
    const body = $(id); body.replaceChildren();
    for (const f of list) row(body, [half(f.key), f.count, links(f.ids)]);
    body.dataset.rows = String(list.length);
  }
  async function load() {
    const d = await getJSON("/api/oversight/dashboard");
    figures("by-agency", d.by_agency);
    figures("by-district", d.by_district);
    figures("by-month", d.by_month);
    $("desk-period").textContent = `${T.desk_period}: ${limaTime(d.start)} – ${limaTime(d.end)} · ` +
      `${T.desk_generated}: ${limaTime(d.generated_at)} (Lima)`;
    const other = $("other"); other.replaceChildren();
    row(other, [T.desk_referred, d.referrals.count, links(d.referrals.ids)]);
    row(other, [T.desk_zero_reports, d.zero_reports.count, links(d.zero_reports.ids)]);
    const tk = $("taskings"); tk.replaceChildren();
    for (const t of d.military_taskings) row(tk, [`${t.number} (${half(t.kind_label)})`, t.count, t.orders.map((o) => `#${o}`).join(" ")]);
    const dl = $("deadlines"); dl.replaceChildren();
    for (const x of d.deadlines) {
      row(dl, [x.deadline === "reported_at" ? T.uof_deadline_report : T.uof_deadline_review,
        links(x.met), links(x.missed), links(x.pending)]);
    }
    const mz = $("missing-zero"); mz.replaceChildren();
    for (const m of d.missing_zero_reports) {
      const li = document.createElement("li");
      li.append(`${m.period} · ${m.name} (${m.agency})`);
      if (m.pending_report_ids.length) li.append(` · ${T.desk_due_unfiled}: `, links(m.pending_report_ids));
      mz.append(li);
    }
    mz.dataset.rows = String(d.missing_zero_reports.length);
    const overdue = await getJSON("/api/oversight/deadlines");
    const ul = $("overdue"); ul.replaceChildren();
    for (const o of overdue) {
      const li = document.createElement("li");
      li.append(links([o.report_id]), ` · ${T.uof_overdue}: ${o.overdue.map((k) => T[`uof_key_${k}`] || k).join("; ")}`);
      ul.append(li);
    }
    const flags = await getJSON(`/api/oversight/ei/flags?status=open&lang=${KUNTUR.lang}`);
    const fl = $("flags"); fl.replaceChildren();
    for (const f of flags) {
      const li = document.createElement("li");
      li.textContent = `#${f.id} · ${f.explanation}`;
      fl.append(li);
    }
    if (can("audit.countersign")) {
      const cps = await getJSON("/api/audit/checkpoints?limit=1");
      $("countersign-zone").hidden = false;
      if (cps.length) {
        $("cp-note").textContent = `${T.checkpoints}: #${cps[0].id} · ${cps[0].note}`;
        $("countersign").dataset.checkpoint = String(cps[0].id);
      }
    }
  }
  $("desk-print").addEventListener("click", () => window.print());
  $("countersign").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = ev.target;
    try {
      const r = await postJSON(`/api/audit/checkpoints/${form.dataset.checkpoint}/countersign`,
        { witness: form.witness.value, signature: form.signature.value });
      $("countersign-result").textContent = `${T.witnessed}: ${r.witness} · #${r.checkpoint_id}`;
    } catch (e) { $("countersign-result").textContent = e.message; }
  });
  load().catch((e) => { $("desk-error").textContent = e.message; $("desk-error").hidden = false; });
})();
