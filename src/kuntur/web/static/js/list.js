/* The incident list: filters, pagination, detail panel. */
"use strict";
(function () {
  const PAGE = 50;
  let offset = 0;
  const tbody = document.querySelector("#incident-table tbody");

  async function load() {
    const p = filterParams();
    p.set("limit", PAGE); p.set("offset", offset);
    try {
      const page = await getJSON(`/api/incidents?${p}`);
      tbody.replaceChildren();
      for (const i of page.items) {
        const tr = document.createElement("tr");
        tr.dataset.id = i.id;
        const cells = [i.id, limaTime(i.occurred_at), KUNTUR.i18n.categories[i.category] || i.category,
          i.priority, i.district_name || "—", KUNTUR.i18n.sources[i.source] || i.source,
          KUNTUR.i18n.statuses[i.status] || i.status];
        cells.forEach((v, k) => {
          const td = document.createElement("td"); td.textContent = String(v);
          if (k === 3 && i.priority === 1) td.className = "prio-1";
          tr.append(td);
        });
        tr.addEventListener("click", () => openIncident(i.id));
        tbody.append(tr);
      }
      document.getElementById("list-total").textContent = page.total.toLocaleString(KUNTUR.lang);
      const pages = Math.max(1, Math.ceil(page.total / PAGE));
      document.getElementById("page-info").textContent = `${T.page} ${offset / PAGE + 1} ${T.of} ${pages}`;
      document.getElementById("prev").disabled = offset === 0;
      document.getElementById("next").disabled = offset + PAGE >= page.total;
    } catch (e) {
      document.getElementById("list-total").textContent = e.message;
    }
  }
  document.getElementById("prev").addEventListener("click", () => { offset = Math.max(0, offset - PAGE); load(); });
  document.getElementById("next").addEventListener("click", () => { offset += PAGE; load(); });
  initFilters(() => { offset = 0; load(); });
  load();
})();
