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
      for (const outcome of ["cleared", "confirmed", "referred"]) {
        const b = document.createElement("button");
        b.type = "button";
        b.dataset.outcome = outcome;
        b.textContent = W[outcome];
        b.addEventListener("click", async () => {
          try {
            await postJSON(`/api/border/hits/${h.hit_id}/decision`, { outcome, reason: reason.value || "-" });
            status.textContent = W.decided;
            li.querySelectorAll("button").forEach((x) => { x.disabled = true; });
          } catch (e) { status.textContent = e.message; }
        });
        li.append(b);
      }
      list.append(li);
    }
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
})();
