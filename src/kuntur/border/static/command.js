/* The border command page: the posts on the map with their screenings, hits, decisions and
   seizures; the trafficking complaints of Lambayeque by year, district and station. Text
   through textContent only; no tiles unless the deployment configures them. */
"use strict";
(function () {
  const W = JSON.parse(document.getElementById("border-command-text").textContent);

  function cells(tr, values) {
    for (const v of values) {
      const td = document.createElement("td");
      td.textContent = v;
      tr.append(td);
    }
  }

  async function posts() {
    const s = await getJSON("/api/border/summary");
    const body = document.getElementById("border-posts-body");
    body.replaceChildren();
    const map = L.map("border-map").setView([-10.5, -74.5], 5);
    for (const p of s.posts) {
      const tr = document.createElement("tr");
      const seized = Object.entries(p.seizures).map(([k, n]) => `${k}: ${n}`).join(", ");
      cells(tr, [p.post, p.screenings, p.hits, p.decided, seized]);
      body.append(tr);
      if (p.lat !== null) {
        L.circleMarker([p.lat, p.lon], { radius: 6 + Math.sqrt(p.screenings) }).addTo(map)
          .bindTooltip(`${p.post}: ${p.screenings} / ${p.hits}`);
      }
    }
  }

  async function trafficking() {
    const t = await getJSON("/api/border/trafficking");
    document.getElementById("trafficking-source").textContent = `${W.source}: ${t.source}`;
    const tr = t.trend;
    document.getElementById("trafficking-trend").textContent =
      `${W.trend} (${tr.years.join(", ")}): ${tr.slope_per_year} ${W.per_year}` +
      (tr.change === null ? "" : `; ${W.change} ${Math.round(tr.change * 100)} %`);
    const fill = (id, rows, key) => {
      const body = document.getElementById(id);
      body.replaceChildren();
      for (const r of rows) {
        const row = document.createElement("tr");
        cells(row, [r[key], r.complaints]);
        body.append(row);
      }
    };
    fill("trafficking-years", t.by_year, "year");
    fill("trafficking-districts", t.by_district, "district");
    fill("trafficking-stations", t.by_station.slice(0, 15), "station");
  }

  posts().catch((e) => { document.getElementById("border-posts-body").textContent = e.message; });
  trafficking().catch((e) => { document.getElementById("trafficking-trend").textContent = e.message; });
})();
