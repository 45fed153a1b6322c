/* Firstline field storage: IndexedDB for the outbox, drafts, the working set and problems, plus the
   drain that sends the outbox to POST /api/v1/field/sync/. A classic script so both the page and the
   service worker (importScripts) use the same code. Never deletes a queued mutation unless the
   server answered for it: applied and duplicate are done, conflict and rejected move to `problems`.

   At rest, every record of the working set (outbox, drafts, encounters, cache, problems) is sealed
   with AES-GCM (WebCrypto) under a random data key. That key lives only in memory while the app is
   unlocked; on the tablet it is kept wrapped by a key derived (PBKDF2-SHA-256) from the responder's
   password, in `meta.vault`. Locking drops it, so a locked or closed app holds only ciphertext. Only
   ids and the outbox order stay readable, because IndexedDB needs them as keys. */
(function (root) {
  "use strict";
  const DB_NAME = "firstline-field";
  const DB_VERSION = 1;
  const BATCH = 200;
  const DEVICE_META = ["device", "device_key", "device_name"];
  let dbPromise = null;
  let draining = null;
  let counter = 0;

  let sealed = false; // set while wiping, and for good after a revocation: nothing may recreate the data

  // --- encryption at rest ---------------------------------------------------------------------------
  const SECRET_STORES = new Set(["outbox", "drafts", "encounters", "cache", "problems"]);
  const SYNC_TIMEOUT_MS = 20000;
  const KDF_ITERATIONS = 600000; // OWASP's figure for PBKDF2-HMAC-SHA-256
  let dataKey = null; // a non-extractable CryptoKey, in memory only while unlocked
  const subtle = () => root.crypto.subtle;
  const text = new TextEncoder();

  class Locked extends Error {}

  function requireKey() {
    if (!dataKey) throw new Locked("The app is locked.");
    return dataKey;
  }

  async function seal(store, value) {
    if (!SECRET_STORES.has(store)) return value;
    const iv = root.crypto.getRandomValues(new Uint8Array(12));
    const ct = await subtle().encrypt({ name: "AES-GCM", iv }, requireKey(), text.encode(JSON.stringify(value)));
    const envelope = { iv, ct: new Uint8Array(ct) };
    // Keys IndexedDB needs in the clear: record ids and the outbox order (no one's details).
    if (value && value.id !== undefined) envelope.id = value.id;
    if (value && value.seq !== undefined) envelope.seq = value.seq;
    return envelope;
  }

  async function unseal(store, envelope) {
    if (!SECRET_STORES.has(store) || envelope === undefined || envelope === null) return envelope;
    const plain = await subtle().decrypt({ name: "AES-GCM", iv: envelope.iv }, requireKey(), envelope.ct);
    return JSON.parse(new TextDecoder().decode(plain));
  }

  async function passwordKey(password, salt, iterations) {
    const material = await subtle().importKey("raw", text.encode(password), "PBKDF2", false, ["deriveKey"]);
    return subtle().deriveKey(
      { name: "PBKDF2", salt, iterations, hash: "SHA-256" }, material,
      { name: "AES-GCM", length: 256 }, false, ["wrapKey", "unwrapKey"]
    );
  }

  /** A new data key for this user, wrapped by their password; replaces any earlier vault. */
  async function createVault(password, userId) {
    const fresh = await subtle().generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt", "decrypt"]);
    const salt = root.crypto.getRandomValues(new Uint8Array(16));
    const iv = root.crypto.getRandomValues(new Uint8Array(12));
    const wrapping = await passwordKey(password, salt, KDF_ITERATIONS);
    const wrapped = new Uint8Array(await subtle().wrapKey("raw", fresh, wrapping, { name: "AES-GCM", iv }));
    await put("meta", { user: userId, salt, iv, wrapped, iterations: KDF_ITERATIONS }, "vault");
    dataKey = await subtle().unwrapKey("raw", wrapped, wrapping, { name: "AES-GCM", iv }, "AES-GCM", false, ["encrypt", "decrypt"]);
  }

  /** Unlock with the password: true if it unwraps this user's data key (works with no network). */
  async function unlock(password, userId) {
    const vault = await get("meta", "vault");
    if (!vault || (userId !== undefined && vault.user !== userId)) return false;
    try {
      const wrapping = await passwordKey(password, vault.salt, vault.iterations);
      dataKey = await subtle().unwrapKey("raw", vault.wrapped, wrapping, { name: "AES-GCM", iv: vault.iv }, "AES-GCM", false, ["encrypt", "decrypt"]);
      return true;
    } catch (error) {
      return false; // a wrong password fails the authenticated unwrap
    }
  }

  function lock() { dataKey = null; }
  const unlocked = () => dataKey !== null;

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

  // Sealing happens outside the IndexedDB transaction: a transaction closes when its task awaits.
  const rawGet = (store, key) => run(store, "readonly", (s) => s.get(key));
  const rawAll = (store) => run(store, "readonly", (s) => s.getAll());
  const get = async (store, key) => unseal(store, await rawGet(store, key));
  // Writes reach IndexedDB in the order they were asked for. Sealing is asynchronous, so without this
  // a draft saved on a tap and then on the next keystroke could land keystroke first and be overwritten
  // by the older copy: the responder's words gone from the draft.
  let lastWrite = Promise.resolve();
  function inOrder(write) {
    const next = lastWrite.catch(() => {}).then(write);
    lastWrite = next;
    return next;
  }
  function put(store, value, key) {
    const sealing = seal(store, value); // seals (and snapshots) the value now, as it is at the call
    sealing.catch(() => {}); // a locked store rejects; the caller hears it from the write below
    return inOrder(async () => {
      const stored = await sealing;
      return run(store, "readwrite", (s) => (key === undefined ? s.put(stored) : s.put(stored, key)));
    });
  }
  const del = (store, key) => inOrder(() => run(store, "readwrite", (s) => s.delete(key)));
  const all = async (store) => Promise.all((await rawAll(store)).map((v) => unseal(store, v)));
  const count = (store) => run(store, "readonly", (s) => s.count());
  const outboxAll = async () => Promise.all((await run("outbox", "readonly", (s) => s.index("seq").getAll())).map((v) => unseal("outbox", v)));

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
      if (!dataKey) return { state: "locked" }; // the outbox is sealed; the page drains once unlocked
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
            // A signal that hangs counts as none: the changes stay queued and the next drain sends them
            // again under the same ids, which the server applies once.
            signal: AbortSignal.timeout(SYNC_TIMEOUT_MS),
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
          const result = body.results[i] || { status: "rejected", errors: { code: "no_answer" }, http_status: 503 };
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

  /** Erase everything this app stored on the tablet. keepDevice keeps only the tablet's enrollment;
      keepShell keeps the cached app shell, which holds nothing about anyone. */
  async function wipe({ keepDevice = false, keepShell = false } = {}) {
    // The tablet's enrollment (id, key, name) survives a sign-out; nothing else does.
    const enrollment = {};
    for (const name of DEVICE_META) {
      try { enrollment[name] = await get("meta", name); } catch (error) { enrollment[name] = undefined; }
    }
    const device = enrollment.device || null;
    sealed = true;
    dataKey = null;
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
      for (const name of DEVICE_META) if (enrollment[name] !== undefined && enrollment[name] !== null) await put("meta", enrollment[name], name);
    }
  }

  root.FLStore = {
    open, get, put, del, all, count, outboxAll, enqueue, drain, wipe, uuid, DB_NAME,
    createVault, unlock, lock, unlocked, rawAll, Locked,
  };
})(typeof self !== "undefined" ? self : this);
