/* Firstline field storage: IndexedDB for the outbox, drafts, the working set and problems, plus the
   drain that sends the outbox to POST /api/v1/field/sync/. A classic script so both the page and the
   service worker (importScripts) use the same code. Never deletes a queued mutation unless the
   server answered for it: applied and duplicate are done, conflict and rejected move to `problems`. */
(function (root) {
  "use strict";
  const DB_NAME = "firstline-field";
  const DB_VERSION = 1;
  const BATCH = 200;
  let dbPromise = null;
  let draining = null;
  let counter = 0;

  let sealed = false; // set while wiping, and for good after a revocation: nothing may recreate the data

  function open() {
    if (sealed) return Promise.reject(new Error("Local data was erased."));
    if (dbPromise) return dbPromise;
    dbPromise = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        for (const name of ["meta", "cache", "drafts"]) {
          if (!db.objectStoreNames.contains(name)) db.createObjectStore(name);
        }
        if (!db.objectStoreNames.contains("outbox")) db.createObjectStore("outbox", { keyPath: "id" }).createIndex("seq", "seq");
        if (!db.objectStoreNames.contains("problems")) db.createObjectStore("problems", { keyPath: "id" });
        if (!db.objectStoreNames.contains("encounters")) db.createObjectStore("encounters", { keyPath: "id" });
      };
      request.onsuccess = () => {
        const db = request.result;
        db.onversionchange = () => { db.close(); dbPromise = null; };
        resolve(db);
      };
      request.onerror = () => { dbPromise = null; reject(request.error); };
    });
    return dbPromise;
  }

  function run(store, mode, body) {
    return open().then((db) => new Promise((resolve, reject) => {
      const tx = db.transaction(store, mode);
      const request = body(tx.objectStore(store));
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    }));
  }

  const get = (store, key) => run(store, "readonly", (s) => s.get(key));
  const put = (store, value, key) => run(store, "readwrite", (s) => (key === undefined ? s.put(value) : s.put(value, key)));
  const del = (store, key) => run(store, "readwrite", (s) => s.delete(key));
  const all = (store) => run(store, "readonly", (s) => s.getAll());
  const count = (store) => run(store, "readonly", (s) => s.count());
  const outboxAll = () => run("outbox", "readonly", (s) => s.index("seq").getAll());

  function uuid() {
    if (root.crypto && root.crypto.randomUUID) return root.crypto.randomUUID();
    const b = root.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  /** Queue one change; it stays until the server has answered for it. */
  function enqueue({ type, record, base_version = null, data = {} }) {
    const item = {
      id: uuid(), type, record: record === undefined || record === null ? null : String(record),
      base_version, data, device_time: new Date().toISOString(),
      seq: Date.now() * 1000 + (counter++ % 1000), queued_at: new Date().toISOString(),
    };
    return put("outbox", item).then(() => item);
  }

  async function rememberRecord(item, record) {
    if (!record || !item.type.startsWith("encounter.")) return;
    if (item.type === "encounter.note") {
      const encounter = await get("encounters", record.encounter);
      if (!encounter) return;
      encounter.notes = (encounter.notes || []).filter((n) => n.id !== record.id).concat([record]);
      return put("encounters", encounter);
    }
    const encounter = await get("encounters", record.id);
    const pendingLater = (await outboxAll()).some((m) => m.record === record.id && m.id !== item.id && m.type !== "encounter.note");
    if (encounter && pendingLater) return; // a later local edit is still waiting; keep showing it
    return put("encounters", { ...record, pending: false });
  }

  /** Send the outbox. Resolves to {state}: ok, offline, no-device, device_revoked, device_unknown,
      not_authenticated or error. With nothing queued it still contacts the server, so a revoked
      tablet learns it at its next contact. */
  let again = null;

  function drain() {
    // A drain already running may have read the outbox before the caller queued: run once more after it.
    if (draining) {
      if (!again) again = draining.then(() => { again = null; return drain(); });
      return again;
    }
    draining = (async () => {
      const device = await get("meta", "device");
      if (!device) return { state: "no-device" };
      const items = await outboxAll();
      const batches = [];
      for (let i = 0; i < items.length; i += BATCH) batches.push(items.slice(i, i + BATCH));
      if (!batches.length) batches.push([]);
      let sent = 0;
      for (const batch of batches) {
        let response;
        try {
          response = await fetch("/api/v1/field/sync/", {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRFToken": (await get("meta", "csrf")) || "" },
            body: JSON.stringify({
              device,
              mutations: batch.map((m) => ({ id: m.id, type: m.type, record: m.record, base_version: m.base_version, data: m.data, device_time: m.device_time })),
            }),
          });
        } catch (error) {
          return { state: "offline", sent };
        }
        let body = {};
        try { body = await response.json(); } catch (error) { body = {}; }
        if (response.status === 401) return { state: body.code || "not_authenticated", detail: body.detail, sent };
        if (response.status === 403) return { state: "not_authenticated", detail: body.detail, sent };
        if (!response.ok || !Array.isArray(body.results)) return { state: "error", detail: body.detail || `HTTP ${response.status}`, sent };
        for (let i = 0; i < batch.length; i++) {
          const item = batch[i];
          const result = body.results[i] || { status: "rejected", errors: { detail: "The server gave no answer." }, http_status: 503 };
          if (result.status === "applied" || result.status === "duplicate") {
            await del("outbox", item.id);
            await rememberRecord(item, result.record);
            sent++;
          } else if (result.status === "rejected" && result.http_status >= 500) {
            // Left in the outbox: the server could not decide; the next drain tries again.
          } else {
            await put("problems", {
              id: item.id, kind: result.status, mutation: item, server: result.record || null,
              errors: result.errors || {}, at: new Date().toISOString(),
            });
            await del("outbox", item.id);
          }
        }
      }
      return { state: "ok", sent };
    })();
    return draining.finally(() => { draining = null; });
  }

  /** Erase everything this app stored on the tablet. keepDevice keeps only the tablet's id;
      keepShell keeps the cached app shell, which holds nothing about anyone. */
  async function wipe({ keepDevice = false, keepShell = false } = {}) {
    let device = null;
    try { device = await get("meta", "device"); } catch (error) { device = null; }
    sealed = true;
    if (dbPromise) { try { (await dbPromise).close(); } catch (error) { /* already closed */ } }
    dbPromise = null;
    await new Promise((resolve) => {
      // Other tabs and the service worker close their connections on `versionchange`; wait for that.
      const request = indexedDB.deleteDatabase(DB_NAME);
      const timer = setTimeout(resolve, 5000);
      request.onsuccess = request.onerror = () => { clearTimeout(timer); resolve(); };
    });
    if (root.caches) {
      const keys = await caches.keys();
      await Promise.all(keys.filter((k) => !(keepShell && k.startsWith("fl-shell-"))).map((k) => caches.delete(k)));
    }
    if (root.localStorage) {
      root.localStorage.clear();
      if (keepDevice && device) root.localStorage.setItem("fl.device", device);
    }
    if (keepDevice) {
      sealed = false;
      if (device) await put("meta", device, "device");
    }
  }

  root.FLStore = { open, get, put, del, all, count, outboxAll, enqueue, drain, wipe, uuid, DB_NAME };
})(typeof self !== "undefined" ? self : this);
