/* The results page: each intervention with its effect, intervals, checks and the chart of
   observed against counterfactual (an SVG drawn on the server), a small map of a drawn
   zone, and (results.manage) the form that records one over districts or a zone drawn
   vertex by vertex. Text through textContent only. */
"use strict";
(function () {
  const W = JSON.parse(document.getElementById("results-text").textContent);

  function pct(v) {
    if (v === null || v === undefined) return "—";
    const s = (v * 100).toFixed(1).replace(".", KUNTUR.lang === "en" ? "." : ",");
    return (v > 0 ? "+" : "") + s + " %";
  }
  function ci(pair) { return "[" + pct(pair[0]) + "; " + pct(pair[1]) + "]"; }
  function el(tag, text, attrs) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }
  function row(dl, term, value, testid) {
    dl.append(el("dt", term));
    dl.append(el("dd", value, testid ? { "data-testid": testid } : {}));
  }

  function card(item) {
    const sec = el("section", null, { "class": "card", "data-testid": "intervention" });
    sec.append(el("h3", item.title, { "data-testid": "intervention-title" }));
    const dl = el("dl");
    row(dl, W.kind, W["kind_" + item.kind] || item.kind, "intervention-kind");
    if (item.area) row(dl, W.area, item.district_names.join(", "), "intervention-area");
    else row(dl, W.districts, item.district_names.join(", "));
    row(dl, W.from, item.ends_on ? item.starts_on + " " + W.to + " " + item.ends_on
      : item.starts_on + " (" + W.open + ")");
    if (item.legal_basis_id) row(dl, W.basis, item.legal_basis_id);
    if (item.patrol_plan_id) row(dl, W.plan, item.patrol_plan_id);
    row(dl, W.owner, item.owner_agency);
    if (item.classification > 0) {
      row(dl, W.classified, W["level" + item.classification] || String(item.classification),
        "intervention-classified");
    }
    sec.append(dl);
    if (item.withdrawn) {  // a record made by mistake: who withdrew it and why, nothing else
      sec.classList.add("withdrawn");
      const w = item.withdrawn;
      // The day in Lima (the time is UTC), and who without the account's kind.
      const day = new Date(w.at).toLocaleDateString("en-CA", { timeZone: "America/Lima" });
      const who = w.by.replace(/^(user|system):/, "");
      sec.append(el("p", W.withdrawn_on + " " + day + " (" + who + "): " + w.reason,
        { "class": "hint", "data-testid": "intervention-withdrawn" }));
      return sec;
    }
    if ((KUNTUR.can || []).includes("results.manage")) sec.append(closeForm(item), withdrawForm(item));
    if (item.area) sec.append(zoneMap(item));
    const ev = item.evaluation;
    if (!ev) {
      sec.append(el("p", W.not_evaluable + (item.error ? ": " + inLanguage(item.error) : ""),
        { "class": "hint", "data-testid": "intervention-error" }));
      return sec;
    }
    const res = el("dl", null, { "data-testid": "intervention-result" });
    row(res, W.effect, pct(ev.effect), "intervention-effect");
    row(res, W.ci90, ci(ev.ci90), "intervention-ci90");
    row(res, W.ci95, ci(ev.ci95), "intervention-ci95");
    row(res, W.verdict, verdict(ev.ci95), "intervention-verdict");
    row(res, W.method, W[ev.method] || ev.method);
    if (ev.other_method) row(res, W.other, pct(ev.other_method.effect) + " " + ci(ev.other_method.ci95));
    // The error against counting noise first: with a few incidents a week R² is low
    // however good the fit (the noise is most of the variance).
    const fit = ev.pre_fit;
    row(res, W.prefit, (fit.noise_ratio === null ? "" : W.noise_ratio + " " + dec(fit.noise_ratio, 2) +
      " (" + W.noise_hint + "); ") + "R² " + (fit.r2 === null ? "—" : dec(fit.r2, 2)) +
      ", RMSPE " + dec(fit.rmspe, 1) + " (" + fit.periods + " " + W.periods + ")", "intervention-prefit");
    if (ev.placebo_p !== null) row(res, W.placebo_space, dec(ev.placebo_p, 2), "intervention-placebo");
    if (ev.placebo_in_time) row(res, W.placebo_time,
      ev.placebo_in_time.start + ": " + pct(ev.placebo_in_time.effect) + " " + ci(ev.placebo_in_time.ci95));
    if (ev.displacement) row(res, W.displacement, ev.displacement.units.map(named).join(", ") + ": " +
      pct(ev.displacement.effect) + " " + ci(ev.displacement.ci95), "intervention-displacement");
    for (const [unit, ws] of Object.entries(ev.weights)) {
      // Heaviest first (an object's numeric keys come back in code order, not weight).
      const top = Object.entries(ws).filter(([, w]) => w >= 0.005).sort((a, b) => b[1] - a[1])
        .slice(0, 5).map(([d, w]) => named(d) + " " + dec(w, 2)).join(", ");
      row(res, W.weights + " (" + named(unit) + ")", top, "intervention-weights");
    }
    sec.append(res);
    const img = el("img", null, {
      src: "/api/results/interventions/" + item.id + "/chart.svg?lang=" + (KUNTUR.lang === "en" ? "en" : "es"),
      alt: W.chart, width: "640", height: "260", "data-testid": "intervention-chart",
    });
    sec.append(img);
    for (const w of ev.warnings) sec.append(el("p", W.warning + ": " + inLanguage(w), { "class": "hint" }));
    return sec;

    function named(code) { return inLanguage((item.unit_names || {})[code] || code); }
  }

  function verdict(ci95) {
    const [lo, hi] = ci95;
    if (lo === null || hi === null) return W.verdict_none;
    if (hi < 0) return W.verdict_down;
    if (lo > 0) return W.verdict_up;
    return W.verdict_zero;
  }
  function dec(v, digits) { return Number(v).toLocaleString(KUNTUR.lang, { maximumFractionDigits: digits, minimumFractionDigits: digits }); }

  function outlines(map) {
    getJSON("/api/geography/boundaries/lima-callao").then((g) => {
      L.geoJSON(g, { interactive: false, style: { color: "#5b6b7a", weight: 1, fillOpacity: 0.03 } })
        .addTo(map).bringToBack();
    }).catch(() => {});
  }
  function baseMap(box) {
    const map = L.map(box, { zoomControl: true }).setView([-12.05, -77.04], 11);
    if (KUNTUR.tile_url) L.tileLayer(KUNTUR.tile_url, { attribution: KUNTUR.tile_attribution, maxZoom: 19 }).addTo(map);
    map.attributionControl.addAttribution(T.map_credit);
    outlines(map);
    return map;
  }
  /* The drawn zone in red, the 1 km band where displacement is measured dashed around it. */
  function zoneMap(item) {
    const box = el("div", null, { "class": "mini-map", "data-testid": "intervention-map",
      "role": "img", "aria-label": W.area_map });
    requestAnimationFrame(() => {
      const map = baseMap(box);
      if (item.area_ring) L.geoJSON(item.area_ring, { interactive: false,
        style: { color: "#8a5a00", weight: 1, dashArray: "4 4", fillOpacity: 0.08 } }).addTo(map);
      const zone = L.geoJSON(item.area, { interactive: false,
        style: { color: "#b42318", weight: 2, fillOpacity: 0.25 } }).addTo(map);
      map.fitBounds(zone.getBounds().pad(0.6));
    });
    return box;
  }

  /* A card's form posts its body, says ``done`` and reloads the list; a refusal is shown
     under the form, the fields by their labels. */
  function postOnSubmit(form, err, url, body, done) {
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      err.textContent = "";
      try {
        await postJSON(url, body());
        document.getElementById("results-status").textContent = done;
        await load(false);
      } catch (e) {
        err.textContent = withFieldLabels(e.message, form);
      }
    });
  }

  /* Closing an open intervention: its end date, after its start (the server says so). */
  function closeForm(item) {
    const form = el("form", null, { "class": "filters close-form", "data-testid": "close-form" });
    // A closed one can have its end corrected (the audit record keeps the one replaced).
    const label = el("label", (item.ends_on ? W.correct_end : W.close_on) + " ");
    const day = el("input", null, { type: "date", name: "ends_on", required: "", min: item.starts_on });
    if (item.ends_on) day.value = item.ends_on;
    label.append(day);
    const button = el("button", item.ends_on ? W.correct : W.close, { type: "submit", "data-testid": "close-submit" });
    const err = el("p", null, { "class": "error", role: "alert", "data-testid": "close-error" });
    form.append(label, button, err);
    postOnSubmit(form, err, "/api/results/interventions/" + item.id + "/close",
      () => ({ ends_on: day.value }), W.closed + ": " + item.title);
    return form;
  }

  /* Withdrawing a record made by mistake, saying why: it stays on the list, no longer
     evaluated nor kept out of the others' comparison. */
  function withdrawForm(item) {
    const box = el("details", null, { "data-testid": "withdraw" });
    box.append(el("summary", W.withdraw));
    const form = el("form", null, { "class": "filters", "data-testid": "withdraw-form" });
    const label = el("label", W.withdraw_reason + " ");
    const reason = el("input", null, { name: "reason", required: "", minlength: "10", maxlength: "1000", size: "50" });
    label.append(reason);
    const button = el("button", W.withdraw_do, { type: "submit", "data-testid": "withdraw-submit" });
    const err = el("p", null, { "class": "error", role: "alert", "data-testid": "withdraw-error" });
    form.append(label, button, err);
    postOnSubmit(form, err, "/api/results/interventions/" + item.id + "/withdraw",
      () => ({ reason: reason.value }), W.withdrawn + ": " + item.title);
    box.append(form);
    return box;
  }

  function recordForm() {
    const form = document.getElementById("record-form");
    if (!form) return;
    const err = document.getElementById("record-error");
    const areaBox = document.getElementById("record-area");
    const count = document.getElementById("record-vertices");
    let map = null;
    let shape = null;
    const vertices = [];
    function redraw() {
      if (shape) shape.remove();
      shape = vertices.length ? L.polygon(vertices, { color: "#b42318", weight: 2, fillOpacity: 0.25 }).addTo(map) : null;
      count.textContent = String(vertices.length);
    }
    function where() { return form.querySelector('input[name="where"]:checked').value; }
    for (const radio of form.querySelectorAll('input[name="where"]')) {
      radio.addEventListener("change", () => {
        const drawn = where() === "area";
        areaBox.hidden = !drawn;
        document.getElementById("record-districts").hidden = drawn;
        if (drawn && !map) {
          map = baseMap(document.getElementById("record-map"));
          map.on("click", (e) => { vertices.push([e.latlng.lat, e.latlng.lng]); redraw(); });
        }
      });
    }
    document.getElementById("record-clear").addEventListener("click", () => { vertices.length = 0; redraw(); });
    document.getElementById("record-undo").addEventListener("click", () => { vertices.pop(); redraw(); });
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      err.textContent = "";
      const body = {
        kind: form.kind.value, title: form.title.value.trim(), starts_on: form.starts_on.value,
        ends_on: form.ends_on.value || null, description: form.description.value,
        legal_basis_id: form.legal_basis_id.value.trim() || null,
        patrol_plan_id: form.patrol_plan_id.value.trim() || null,
        classification: Number(form.classification.value), districts: [],
      };
      if (where() === "area") {
        if (vertices.length < 3) { err.textContent = W.need_vertices; return; }
        const ring = vertices.map(([lat, lon]) => [lon, lat]);
        ring.push(ring[0]);
        body.area = { type: "Polygon", coordinates: [ring] };
      } else {
        body.districts = [...form.districts.selectedOptions].map((o) => o.value);
        if (!body.districts.length) { err.textContent = W.need_districts; return; }
      }
      try {
        const item = await postJSON("/api/results/interventions", body);
        form.reset(); vertices.length = 0; if (map) redraw();
        areaBox.hidden = true; document.getElementById("record-districts").hidden = false;
        document.getElementById("record").open = false;
        document.getElementById("results-status").textContent = W.recorded + ": " + item.title;
        await load(false);
      } catch (e) {
        err.textContent = withFieldLabels(e.message, form, { area: W.area, districts: W.districts });
      }
    });
  }

  function secs(v) {
    if (v === null || v === undefined) return "—";
    return dec(v / 60, 1) + " min";
  }
  function num(v) {  // as the page's language writes it: 191,7 or 191.7
    if (v === null || v === undefined) return "—";
    return Number(v).toLocaleString(KUNTUR.lang, { maximumFractionDigits: 2 });
  }

  /* The weekly chart for the city or one district (the select, or a row of the table). */
  function weeklyFor(code) {
    const img = document.getElementById("trends-chart");
    const q = new URLSearchParams({ lang: img.dataset.lang });
    if (code) q.set("district", code);
    img.src = "/api/results/trends.svg?" + q.toString();
  }
  const pick = document.getElementById("trends-district");
  pick.addEventListener("change", () => weeklyFor(pick.value));

  async function trends() {
    const t = await getJSON("/api/results/trends");
    const body = document.getElementById("results-trends-body");
    body.replaceChildren(...t.districts.slice(0, 20).map((d) => {
      const tr = el("tr", null, { "data-testid": "trend-row", "data-district": d.ubigeo });
      tr.addEventListener("click", () => {
        pick.value = d.ubigeo;
        weeklyFor(d.ubigeo);
        document.getElementById("trends-chart").scrollIntoView({ block: "center" });
      });
      for (const v of [d.name, num(d.incidents), num(d.incidents_baseline), pct(d.change),
        secs(d.dispatch_p50_s), secs(d.dispatch_p50_baseline_s), num(d.uof), num(d.uof_baseline)]) {
        tr.append(el("td", v));
      }
      return tr;
    }));
  }

  async function load(announce = true) {
    const status = document.getElementById("results-status");
    const list = document.getElementById("results-list");
    const items = await getJSON("/api/results/interventions");
    list.replaceChildren(...items.map(card));
    const live = items.filter((i) => !i.withdrawn);  // a withdrawn one is never evaluated
    const evaluated = live.filter((i) => i.evaluation).length;
    if (announce) {
      status.textContent = !items.length ? W.none : W.ready + ": " + evaluated +
        (evaluated < live.length ? " (" + W.not_yet + ": " + (live.length - evaluated) + ")" : "");
    }
  }
  recordForm();
  load().catch((e) => { document.getElementById("results-status").textContent = e.message; });
  trends().catch(() => {});
})();
