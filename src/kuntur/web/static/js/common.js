/* Shared page code: configuration, filters, API calls, the incident detail panel.
   Everything that shows data goes through textContent, never innerHTML. */
"use strict";
const KUNTUR = JSON.parse(document.getElementById("kuntur-config").textContent);
const T = KUNTUR.i18n.text;

const CATEGORY_COLORS = {
  extortion: "#b00020", homicide: "#6a0dad", aggravated_robbery: "#e65100", theft: "#1565c0",
  kidnapping: "#ad1457", arms_trafficking: "#4e342e", human_trafficking: "#00838f",
  drug_trafficking: "#2e7d32", other: "#607d8b",
};

function isoDay(d) { return d.toISOString().slice(0, 10); }

const LIMA_TIME = new Intl.DateTimeFormat(KUNTUR.lang === "es" ? "es-PE" : "en-GB", {
  timeZone: "America/Lima", dateStyle: "medium", timeStyle: "short",
});
function limaTime(isoUtc) { return LIMA_TIME.format(new Date(isoUtc)); }

function initFilters(onChange) {
  const form = document.getElementById("filters");
  const params = new URLSearchParams(location.search);
  const end = new Date(); end.setDate(end.getDate() + 1);
  const start = new Date(); start.setDate(start.getDate() - 29);
  form.start.value = params.get("start") || isoDay(start);
  form.end.value = params.get("end") || isoDay(end);
  for (const name of ["category", "district", "source"]) {
    if (params.get(name)) form[name].value = params.get(name);
  }
  form.addEventListener("submit", (ev) => { ev.preventDefault(); onChange(); });
  for (const el of form.querySelectorAll("select,input")) el.addEventListener("change", onChange);
}

function filterParams() {
  const form = document.getElementById("filters");
  const p = new URLSearchParams();
  for (const name of ["category", "district", "source", "start", "end"]) {
    if (form[name].value) p.set(name, form[name].value);
  }
  return p;
}

/* What failed and what to do, in words: the kind of failure (by status), then the server's
   own explanation (its messages are Spanish first), never a bare code or raw JSON. */
function describeDetail(detail) {
  if (typeof detail === "string") return inLanguage(detail);
  if (Array.isArray(detail)) {  // validation errors: "field: message" each
    return detail.map((d) => `${(d.loc || []).filter((x) => x !== "body").join(".")}: ${inLanguage(String(d.msg))}`).join("; ");
  }
  return "";
}

/* The server's reasons come in both languages, "Spanish / English": the page's half when
   the split is unambiguous (one separator), else both. */
function inLanguage(text) {
  const halves = text.split(" / ");
  return halves.length === 2 ? halves[KUNTUR.lang === "en" ? 1 : 0] : text;
}

/* A reason that starts with a field's code ("ends_on: ...") names it by its label on
   the form the user filled in. */
function withFieldLabels(text, form, extra) {
  return text.replace(/\b([a-z][a-z_]*): /g, (whole, code) => {
    if (extra && extra[code]) return `${extra[code]}: `;
    const field = form.elements[code];
    const control = field && (field.length !== undefined && !field.tagName ? field[0] : field);
    const label = control && control.labels && control.labels[0];
    const name = label ? (label.childNodes[0] || label).textContent.trim() : "";
    return name ? `${name.replace(/[:\s]+$/, "")}: ` : whole;
  });
}

async function failure(r) {
  let detail = "";
  try { detail = describeDetail((await r.json()).detail); } catch (e) { /* no JSON body */ }
  const kind = r.status >= 500 ? "error_server" : (T[`error_${r.status}`] ? `error_${r.status}` : "error_other");
  const ref = r.headers.get("X-Request-Id");
  const text = T[kind] + (detail ? ` — ${detail}` : "") + (r.status >= 500 && ref ? ` (ref. ${ref})` : "");
  const err = new Error(text);
  err.status = r.status;
  return err;
}

async function send(url, init) {
  try {
    return await fetch(url, init);
  } catch (e) {  // no answer at all: the network or the server is down
    throw new Error(T.error_network);
  }
}

async function getJSON(url, extraHeaders) {
  const r = await send(url, { headers: { "Accept": "application/json", ...(extraHeaders || {}) } });
  if (r.status === 401) { location.assign(`/login?next=${encodeURIComponent(location.pathname)}`); }
  if (!r.ok) throw await failure(r);
  return r.json();
}

function showDetail(incident) {
  const panel = document.getElementById("detail");
  const body = document.getElementById("detail-body");
  body.replaceChildren();
  const rows = [
    ["ID", String(incident.id)],
    [T.category, KUNTUR.i18n.categories[incident.category] || incident.category],
    [T.priority, String(incident.priority)],
    [T.status, KUNTUR.i18n.statuses[incident.status] || incident.status],
    [T.occurred, limaTime(incident.occurred_at)],
    [T.received, limaTime(incident.received_at)],
    [T.district, incident.district_name ? `${incident.district_name} (${incident.district_ubigeo})` : "—"],
    [T.source, KUNTUR.i18n.sources[incident.source] || incident.source],
    [T.external_id, incident.external_id || "—"],
    [T.address, incident.address || "—"],
    [T.narrative, incident.narrative_withheld ? T.withheld.replaceAll("{id}", incident.id) : (incident.narrative || "—")],
  ];
  for (const [k, v] of rows) {
    const dt = document.createElement("dt"); dt.textContent = k;
    const dd = document.createElement("dd"); dd.textContent = v;
    body.append(dt, dd);
  }
  if (incident.narrative_withheld) {
    // A sensitive narrative: the reader says why (a case of theirs, or INC-<id> when they
    // dispatched a unit to it); the server checks it, and the read or refusal is audited.
    const form = document.createElement("form");
    form.className = "purpose";
    const input = document.createElement("input");
    input.required = true; input.maxLength = 100;
    input.placeholder = T.purpose_hint.replaceAll("{id}", incident.id);
    input.setAttribute("data-testid", "purpose");
    const button = document.createElement("button");
    button.type = "submit"; button.textContent = T.reveal;
    const refused = document.createElement("p");
    refused.className = "error"; refused.hidden = true;
    refused.setAttribute("data-testid", "purpose-error");
    form.append(input, button, refused);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        showDetail(await getJSON(`/api/incidents/${incident.id}`, { "X-Purpose": input.value }));
      } catch (e) { refused.textContent = e.message; refused.hidden = false; }
    });
    body.append(form);
  }
  panel.hidden = false;
}

async function openIncident(id) {
  try { showDetail(await getJSON(`/api/incidents/${encodeURIComponent(id)}`)); }
  catch (e) { alert(e.message); }
}

function csrfToken() {
  const m = document.querySelector('meta[name="csrf-token"]');
  return m ? m.content : "";
}

async function postJSON(url, body) { return sendJSON("POST", url, body); }

async function sendJSON(method, url, body) {
  const r = await send(url, {
    method,
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (r.status === 401) { location.assign(`/login?next=${encodeURIComponent(location.pathname)}`); }
  if (!r.ok && r.status !== 204) throw await failure(r);
  return r.status === 204 ? null : r.json();
}

document.addEventListener("DOMContentLoaded", () => {
  const logout = document.getElementById("logout");
  if (logout) logout.addEventListener("click", async () => {
    try { await postJSON("/api/auth/logout"); } finally { location.assign("/login"); }
  });
  const close = document.getElementById("detail-close");
  if (close) close.addEventListener("click", () => { document.getElementById("detail").hidden = true; });
});

/* Every map page starts from the same base: Lima and Callao at zoom 11, the optional raster
   tiles (KUNTUR_MAP_TILE_URL; none by default, nothing leaves the machine), the boundaries'
   attribution, and, with `outlines`, the district outlines under everything (not clickable,
   for orientation only: a page still works if they fail to load). */
function kunturBaseMap(options = {}) {
  const map = L.map("map", { preferCanvas: true, zoomControl: true }).setView([-12.05, -77.04], 11);
  window.kunturMap = map;
  if (KUNTUR.tile_url) {
    L.tileLayer(KUNTUR.tile_url, { attribution: KUNTUR.tile_attribution, maxZoom: 19 }).addTo(map);
  }
  map.attributionControl.addAttribution(T.map_credit);
  if (options.outlines) {
    getJSON("/api/geography/boundaries/lima-callao").then((g) => {
      L.geoJSON(g, {
        interactive: false, style: { color: "#5b6b7a", weight: 1, fillColor: "#ffffff", fillOpacity: 0.5 },
      }).addTo(map).bringToBack();
    }).catch(() => {});
  }
  return map;
}
