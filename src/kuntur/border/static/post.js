/* The border post page: screen a person or a thing, read the hits, decide. Text through
   textContent only. */
"use strict";
(function () {
  const W = JSON.parse(document.getElementById("border-text").textContent);
  const person = document.getElementById("border-person");
  const thing = document.getElementById("border-thing");
  const status = document.getElementById("border-status");
  const list = document.getElementById("border-hits");

  function post() { return person.elements.post.value; }

  function decideButtons(li, hitId, reason, after) {
    for (const outcome of ["cleared", "confirmed", "referred"]) {
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.outcome = outcome;
      b.textContent = W[outcome];
      b.addEventListener("click", async () => {
        try {
          await postJSON(`/api/border/hits/${hitId}/decision`, { outcome, reason: reason.value || "-" });
          status.textContent = W.decided;
          li.querySelectorAll("button").forEach((x) => { x.disabled = true; });
          after();
        } catch (e) { status.textContent = e.message; }
      });
      li.append(b);
    }
  }

  // The shift's queue at this post: the hits still waiting for a decision, oldest first.
  const qList = document.getElementById("border-queue-list");
  const qCounts = document.getElementById("border-queue-counts");
  const qShift = document.getElementById("border-queue-shift");
  const hhmm = (iso) => new Date(iso).toLocaleTimeString("es-PE", { timeZone: "America/Lima", hour: "2-digit", minute: "2-digit", hour12: false });

  let asked = 0;  // a slower answer for the post selected before is dropped
  async function refreshQueue() {
    const mine = ++asked;
    let q;
    try { q = await getJSON(`/api/border/queue?post=${encodeURIComponent(post())}`); } catch (e) { qCounts.textContent = e.message; return; }
    if (mine !== asked) return;
    qShift.textContent = `${hhmm(q.shift.start)}–${hhmm(q.shift.end)} · ${q.post}`;
    const c = q.counts;
    qCounts.textContent = [
      `${W.q_screenings}: ${c.screenings}`, `${W.q_with_hits}: ${c.with_hits}`, `${W.q_pending}: ${c.pending}`,
      `${W.q_cleared}: ${c.cleared}`, `${W.q_confirmed}: ${c.confirmed}`, `${W.q_referred}: ${c.referred}`,
    ].join(" · ");
    qCounts.dataset.pending = String(c.pending);
    qCounts.dataset.confirmed = String(c.confirmed);
    qList.replaceChildren();
    if (!q.pending.length) {
      const li = document.createElement("li");
      li.textContent = W.q_empty;
      qList.append(li);
    }
    for (const p of q.pending) {
      const li = document.createElement("li");
      li.dataset.testid = "border-queue-item";
      li.dataset.hit = String(p.hit_id);
      const head = document.createElement("strong");
      head.textContent = `${hhmm(p.screened_at)} · ${p.subject} · ${p.watchlist_id} · ${p.list} · ${W.score} ${p.score}`;
      const why = document.createElement("p");
      why.textContent = p.explanation;
      const who = document.createElement("p");
      who.className = "hint";
      who.textContent = `${W.q_by}: ${p.screened_by}${p.reason ? " · " + p.reason : ""}`;
      const reason = document.createElement("input");
      reason.placeholder = W.reason;
      reason.maxLength = 2000;
      li.append(head, why, who, reason);
      decideButtons(li, p.hit_id, reason, refreshQueue);
      qList.append(li);
    }
    if (c.pending > q.pending.length) {
      const li = document.createElement("li");
      li.textContent = W.q_more.replace("{n}", String(q.pending.length));
      qList.append(li);
    }
  }

  function show(s) {
    list.replaceChildren();
    status.textContent = s.hits.length ? `${s.hits.length} ${W.hits}` : W.none;
    for (const h of s.hits) {
      const li = document.createElement("li");
      li.dataset.testid = "border-hit";
      const head = document.createElement("strong");
      head.textContent = `${h.alarm ? W.alarm : W.remembered} · ${h.watchlist_id} · ${h.list} · ${W.score} ${h.score}`;
      const why = document.createElement("p");
      why.textContent = h.explanation;
      li.append(head, why);
      if (h.remembered) {
        const r = document.createElement("p");
        r.dataset.testid = "border-remembered";
        r.textContent = h.remembered.text;
        li.append(r);
      }
      if (h.reason) {
        const r = document.createElement("p");
        r.textContent = h.reason;
        li.append(r);
      }
      if (h.intel) {  // linked to intelligence: whom to call; the network only if allowed
        const r = document.createElement("p");
        r.dataset.testid = "border-intel";
        const nets = h.intel.networks && h.intel.networks.length ? ` · ${W.network} ${h.intel.networks.join(", ")}` : "";
        r.textContent = h.intel.contact + nets;
        li.append(r);
      }
      const reason = document.createElement("input");
      reason.placeholder = W.reason;
      reason.maxLength = 2000;
      li.append(reason);
      decideButtons(li, h.hit_id, reason, refreshQueue);
      list.append(li);
    }
    refreshQueue();
  }

  person.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = Object.fromEntries(new FormData(person).entries());
    for (const k of ["birth_date", "nationality", "document_number", "phone", "plate"]) { if (!body[k]) delete body[k]; }
    try { show(await postJSON("/api/border/screenings", body)); } catch (e) { status.textContent = e.message; }
  });
  thing.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = Object.fromEntries(new FormData(thing).entries());
    body.post = post();
    try { show(await postJSON("/api/border/things", body)); } catch (e) { status.textContent = e.message; }
  });
  person.elements.post.addEventListener("change", refreshQueue);
  refreshQueue();
  setInterval(refreshQueue, 30000);  // other officers at the post screen too
})();
