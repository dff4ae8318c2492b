/* Issuing and cancelling public alerts (alerts.issue); text through textContent only. */
"use strict";
(function () {
  const W = JSON.parse(document.getElementById("public-desk-text").textContent);
  const form = document.getElementById("alert-form");
  const status = document.getElementById("alert-status");
  const list = document.getElementById("alert-list");

  async function refresh() {
    const alerts = await getJSON("/api/public/alerts");
    list.replaceChildren();
    for (const a of alerts) {
      const li = document.createElement("li");
      const link = document.createElement("a");
      link.href = a.cap_url;
      link.textContent = `[${a.status} · ${a.msg_type}] ${a.headline} — ${a.district_name}`;
      li.append(link, ` ${a.sent} `);
      if (a.msg_type !== "Cancel") {
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = W.cancel;
        b.addEventListener("click", async () => {
          try { await postJSON(`/api/public/alerts/${a.id}/cancel`); status.textContent = W.cancelled; refresh(); }
          catch (e) { status.textContent = e.message; }
        });
        li.append(b);
      }
      list.append(li);
    }
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = Object.fromEntries(new FormData(form).entries());
    try {
      const a = await postJSON("/api/public/alerts", body);
      status.textContent = `${W.issued}: ${a.identifier}`;
      form.reset();
      refresh();
    } catch (e) { status.textContent = e.message; }
  });
  refresh().catch((e) => { status.textContent = e.message; });
})();
