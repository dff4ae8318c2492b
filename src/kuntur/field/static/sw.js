/* Kuntur Campo's service worker: keeps the shell and every asset of the app (all served
   by Kuntur itself), so the page opens with no network: the map's library (vendored
   Leaflet) and its basemap, the district outlines Kuntur serves (public reference data,
   the same for every user). No other API answer is cached here: the page keeps the unit's
   last state itself, and its offline queue. */
"use strict";
const CACHE = "kuntur-campo-v4";  // a new shell: phones drop the old cache
const SHELL = [
  "/campo",
  "/campo/manifest.webmanifest",
  "/static/field/campo.js",
  "/static/field/campo.css",
  "/static/field/icon.svg",
  "/static/field/icon-192.png",
  "/static/vendor/leaflet/leaflet.js",
  "/static/vendor/leaflet/leaflet.css",
  "/api/geography/boundaries/lima-callao",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (!SHELL.includes(url.pathname)) return; // the API goes to the network, always
  // Network first (a new version when online), the kept copy when offline.
  event.respondWith(
    fetch(event.request)
      .then((res) => {
        if (res.ok) {
          const copy = res.clone();
          caches.open(CACHE).then((c) => c.put(url.pathname, copy));
        }
        return res;
      })
      .catch(() => caches.match(url.pathname)),
  );
});
