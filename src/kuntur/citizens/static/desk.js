/* The citizen liaison desk: the queue by urgency, one tip (its photos, its contact only on
   request with a reason), messages to the tipster, convert or close. textContent only. */
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const L = JSON.parse($("desk-labels").textContent);
  const lang = KUNTUR.lang || "es";
  let current = null;
  function fail(e) { const box = $("desk-error"); box.hidden = false; box.textContent = e.message; }
  function el(tag, text, cls) { const n = document.createElement(tag); if (text !== undefined) n.textContent = text; if (cls) n.className = cls; return n; }

  async function loadQueue() {
    const tips = await getJSON(`/api/citizens/tips?status=${$("tip-status").value}&lang=${lang}`);
    const body = $("queue"); body.replaceChildren();
    if (!tips.length) { const tr = el("tr"); const td = el("td", L.none); td.colSpan = 6; tr.append(td); body.append(tr); }
    for (const t of tips) {
      const tr = el("tr"); tr.dataset.tip = t.id; tr.className = "clickable";
      const urg = el("td", L.urgency[String(t.urgency)]);
      if (t.danger_now) urg.append(" ", el("strong", L.danger));
      const a = el("a", t.summary); a.href = "#"; a.dataset.testid = "tip-link";
      a.addEventListener("click", (ev) => { ev.preventDefault(); openTip(t.id).catch(fail); });
      const what = el("td"); what.append(a);
      tr.append(urg, el("td", t.category_label), what, el("td", t.district_name || "—"),
        el("td", `${t.received_on} (${t.age_days} ${L.days})`), el("td", t.status_label));
      body.append(tr);
    }
  }

  function show(t) {
    current = t;
    $("tip").hidden = false;
    $("tip-title").textContent = `#${t.id} · ${t.category_label} · ${t.status_label}`;
    const facts = $("tip-facts"); facts.replaceChildren();
    const add = (k, v) => { if (v) facts.append(el("dt", k), el("dd", v)); };
    add(L.when, [t.occurred_on, t.occurred_part_label].filter(Boolean).join(" · "));
    add(L.where, [t.district_name, t.cell ? `H3 ${t.cell}` : null].filter(Boolean).join(" · "));
    add(L.received, t.received_on);
    add(L.reason, t.close_reason_label);
    if (t.incident_id) {
      const a = el("a", `#${t.incident_id}`); a.href = `/incidentes?id=${t.incident_id}`; a.dataset.testid = "tip-incident";
      facts.append(el("dt", L.incident)); const dd = el("dd"); dd.append(a); facts.append(dd);
    }
    $("tip-narrative").textContent = `${t.summary}\n\n${t.narrative}`;
    const photos = $("tip-photos"); photos.replaceChildren();
    for (const pid of t.photo_ids) {
      const img = el("img"); img.alt = `${L.photos} ${pid}`; img.width = 240;
      img.src = `/api/citizens/tips/${t.id}/photos/${pid}`; photos.append(img);
    }
    $("tip-contact").textContent = "";
    $("tip-contact-zone").hidden = !t.has_contact || !(KUNTUR.can || []).includes("tips.contact");
    const list = $("tip-messages"); list.replaceChildren();
    for (const m of t.messages) {
      const li = el("li", null, m.author);
      li.append(el("span", `${m.author === "desk" ? L.desk : L.tipster} · ${m.sent_on}${m.written_by ? " · " + m.written_by : ""}`, "who"), el("p", m.body));
      list.append(li);
    }
    const open = t.status === "received" || t.status === "reviewing";
    $("convert-form").hidden = !open; $("close-form").hidden = !open;
    $("reply-form").hidden = t.status === "closed";
    $("convert-narrative").value = `${t.summary}\n\n${t.narrative}`.trim();
  }

  async function openTip(id) { show(await getJSON(`/api/citizens/tips/${id}?lang=${lang}`)); await loadQueue(); }

  async function init() {
    const cat = await getJSON(`/api/citizens/catalogue?lang=${lang}`);
    for (const [sel, list] of [["close-reason", cat.close_reasons], ["contact-reason", cat.contact_reasons]]) {
      for (const c of list) { const o = el("option", c.label); o.value = c.code; $(sel).append(o); }
    }
    $("tip-status").addEventListener("change", () => loadQueue().catch(fail));
    $("reply-form").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        show(await postJSON(`/api/citizens/tips/${current.id}/messages?lang=${lang}`, { body: $("reply-body").value }));
        $("reply-body").value = "";
      } catch (e) { fail(e); }
    });
    $("convert-form").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try { show(await postJSON(`/api/citizens/tips/${current.id}/convert?lang=${lang}`, { narrative: $("convert-narrative").value })); await loadQueue(); } catch (e) { fail(e); }
    });
    $("close-form").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try { show(await postJSON(`/api/citizens/tips/${current.id}/close?lang=${lang}`, { reason: $("close-reason").value })); await loadQueue(); } catch (e) { fail(e); }
    });
    $("contact-form").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        const r = await postJSON(`/api/citizens/tips/${current.id}/contact`, { reason: $("contact-reason").value });
        $("tip-contact").textContent = r.contact || L.no_contact;
      } catch (e) { fail(e); }
    });
    await loadQueue();
  }
  init().catch(fail);
})();
