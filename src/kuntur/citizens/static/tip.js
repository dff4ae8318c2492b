/* The tip page: the proof of work (computed while the citizen writes), photo checks before
   sending, and an optional map that shows the hexagon kept instead of the point. The form
   works without any of this (district list, no map, a smaller shared budget). */
"use strict";
(function () {
  const CFG = JSON.parse(document.getElementById("tip-config").textContent);
  const T = CFG.t;
  const form = document.getElementById("tip-form");
  const status = document.getElementById("pow-status");
  const challenge = document.getElementById("challenge").value;
  const nonceField = document.getElementById("nonce");
  const bits = parseInt(challenge.split(".")[3] || "0", 10);

  /* SHA-256 of an ASCII string, synchronous (crypto.subtle needs HTTPS and is async per
     hash: far slower for thousands of tiny inputs on a cheap phone). FIPS 180-4. */
  const K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);
  const W = new Uint32Array(64);
  function sha256First32(text) {  // the first 32 bits of the digest: all the check needs
    const n = text.length, blocks = ((n + 9 + 63) >> 6);
    const m = new Uint32Array(blocks * 16);
    for (let i = 0; i < n; i++) m[i >> 2] |= (text.charCodeAt(i) & 0xff) << (24 - (i % 4) * 8);
    m[n >> 2] |= 0x80 << (24 - (n % 4) * 8);
    m[blocks * 16 - 1] = n * 8;
    let h0 = 0x6a09e667, h1 = 0xbb67ae85, h2 = 0x3c6ef372, h3 = 0xa54ff53a,
      h4 = 0x510e527f, h5 = 0x9b05688c, h6 = 0x1f83d9ab, h7 = 0x5be0cd19;
    for (let b = 0; b < blocks; b++) {
      for (let t = 0; t < 64; t++) {
        if (t < 16) W[t] = m[b * 16 + t];
        else {
          const x = W[t - 15], y = W[t - 2];
          const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
          const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
          W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
        }
      }
      let a = h0, bb = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
      for (let t = 0; t < 64; t++) {
        const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        const ch = (e & f) ^ (~e & g);
        const t1 = (h + S1 + ch + K[t] + W[t]) | 0;
        const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        const maj = (a & bb) ^ (a & c) ^ (bb & c);
        const t2 = (S0 + maj) | 0;
        h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = bb; bb = a; a = (t1 + t2) | 0;
      }
      h0 = (h0 + a) | 0; h1 = (h1 + bb) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
      h4 = (h4 + e) | 0; h5 = (h5 + f) | 0; h6 = (h6 + g) | 0; h7 = (h7 + h) | 0;
    }
    return h0 >>> 0;
  }
  function enough(word) { return bits === 0 || (bits <= 32 && (word >>> (32 - bits)) === 0); }

  let ready = false, wantSend = false, counter = 0;
  status.textContent = T.working;
  function step() {
    const until = Date.now() + 40;  // yield to the page every 40 ms
    while (Date.now() < until) {
      if (enough(sha256First32(challenge + ":" + counter))) {
        nonceField.value = String(counter);
        ready = true;
        status.textContent = T.ready;
        if (wantSend) { status.textContent = T.sending; form.submit(); }
        return;
      }
      counter++;
    }
    setTimeout(step, 0);
  }
  if (bits > 24) status.textContent = ""; else setTimeout(step, 0);

  form.addEventListener("submit", (ev) => {
    const problems = [];
    if (!document.getElementById("summary").value.trim()) problems.push(T.summary);
    const files = document.getElementById("photos");
    const max = parseInt(files.dataset.max, 10), maxBytes = parseInt(files.dataset.maxBytes, 10);
    if (files.files.length > max) problems.push(T.too_many);
    for (const f of files.files) if (f.size > maxBytes) { problems.push(T.too_big); break; }
    if (problems.length) {
      ev.preventDefault();
      let box = document.querySelector(".error");
      if (!box) {
        box = document.createElement("p");
        box.className = "error"; box.setAttribute("role", "alert"); box.dataset.testid = "error";
        form.parentNode.insertBefore(box, form);
      }
      box.textContent = problems.join(" ");
      box.scrollIntoView();
      return;
    }
    document.getElementById("send").disabled = true;
    if (!ready) { ev.preventDefault(); wantSend = true; status.textContent = T.working; }
    else status.textContent = T.sending;
  });

  /* The map, only when asked for (Leaflet is 150 kB: a cheap phone need not load it). */
  const block = document.getElementById("map-block");
  block.hidden = false;
  let map = null, hex = null;
  function load(tag, attrs) {
    return new Promise((resolve, reject) => {
      const el = document.createElement(tag);
      Object.assign(el, attrs);
      el.onload = resolve; el.onerror = reject;
      document.head.appendChild(el);
    });
  }
  async function openMap() {
    document.getElementById("map-open").hidden = true;
    const box = document.getElementById("map");
    box.hidden = false;
    await load("link", { rel: "stylesheet", href: "/static/vendor/leaflet/leaflet.css" });
    await load("script", { src: "/static/vendor/leaflet/leaflet.js" });
    map = L.map(box).setView([-12.05, -77.04], 11);
    if (CFG.tile_url) L.tileLayer(CFG.tile_url, { attribution: CFG.tile_attribution, maxZoom: 19 }).addTo(map);
    fetch("/api/geography/boundaries/lima-callao").then((r) => r.json()).then((g) => {
      L.geoJSON(g, { interactive: false, style: { color: "#5b6b7a", weight: 1, fillOpacity: 0.05 } }).addTo(map);
    }).catch(() => {});
    map.on("click", (e) => pick(e.latlng.lat, e.latlng.lng));
  }
  async function pick(lat, lon) {
    const note = document.getElementById("cell-note");
    const r = await fetch(`/api/citizens/public/cell?lat=${lat.toFixed(6)}&lon=${lon.toFixed(6)}`);
    if (!r.ok) { note.hidden = false; note.textContent = T.outside; return; }
    const cell = await r.json();
    if (hex) hex.remove();
    hex = L.polygon(cell.boundary, { color: "#b42318", weight: 2, fillOpacity: 0.25 }).addTo(map);
    // The form carries the hexagon's centre, never the point that was touched.
    const c = hex.getBounds().getCenter();
    document.getElementById("latitude").value = c.lat.toFixed(6);
    document.getElementById("longitude").value = c.lng.toFixed(6);
    if (cell.district) document.getElementById("district").value = cell.district;
    note.hidden = false;
    note.textContent = `${T.cell} ${cell.district_name || ""}`;
    document.getElementById("map-clear").hidden = false;
  }
  document.getElementById("map-open").addEventListener("click", () => { openMap().catch(() => {}); });
  document.getElementById("map-clear").addEventListener("click", () => {
    if (hex) hex.remove();
    hex = null;
    document.getElementById("latitude").value = "";
    document.getElementById("longitude").value = "";
    document.getElementById("cell-note").hidden = true;
    document.getElementById("map-clear").hidden = true;
  });
})();
