/* Firstline field service worker: keeps the app shell for offline use and sends the outbox in the
   background where the browser supports Background Sync. It caches no API answers: the working
   set lives in IndexedDB, which logout and revocation wipe. */
const VERSION = {{ version_json|safe }};
const SHELL = {{ shell_json|safe }};
const CACHE = "fl-shell-" + VERSION;
const SHELL_WAIT_MS = 3000;

importScripts({{ store_json|safe }});

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("fl-shell-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function shellMatch(request) {
  return caches.open(CACHE).then((cache) => cache.match(request, { ignoreSearch: true }));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname.startsWith("/field/")) {
    // Network first so a new shell arrives when online; the cached shell when there is no network,
    // or when a weak signal has not answered within SHELL_WAIT_MS (the fetch goes on, for next time).
    const network = fetch(request).then((response) => {
      if (response.ok && url.pathname === "/field/") {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put("/field/", copy));
      }
      return response;
    });
    event.waitUntil(network.catch(() => undefined));
    const cachedAfterWait = new Promise((resolve) => setTimeout(resolve, SHELL_WAIT_MS))
      .then(() => shellMatch("/field/"))
      .then((cached) => cached || network);
    event.respondWith(
      Promise.race([network, cachedAfterWait])
        .catch(() => shellMatch("/field/").then((cached) => cached || Response.error()))
    );
    return;
  }
  if (SHELL.includes(url.pathname + url.search)) {
    // A language's catalog (/jsi18n/?lang=es): the query names the language, so it must match too.
    event.respondWith(caches.open(CACHE).then((cache) => cache.match(url.pathname + url.search, { ignoreVary: true })).then((cached) => cached || fetch(request)));
  } else if (SHELL.includes(url.pathname)) {
    event.respondWith(shellMatch(request).then((cached) => cached || fetch(request)));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag !== "fl-outbox") return;
  event.waitUntil(
    FLStore.drain().then((outcome) => {
      if (outcome && outcome.state === "device_revoked") {
        return FLStore.wipe({ keepDevice: false }).then(() => tellClients({ type: "device_revoked" }));
      }
      return tellClients({ type: "synced", outcome: outcome });
    })
  );
});

function tellClients(message) {
  return self.clients.matchAll({ includeUncontrolled: true }).then((clients) => clients.forEach((c) => c.postMessage(message)));
}
