/* The field app's contact with the server: the outbox drain, the working set, the directory and
   the live stream. The page never trusts its own copy over the server's: events from the stream
   update the working set record by record (live.js), and the whole of it is fetched again at start,
   after `resync`, after a long gap, or when the stream is down. */
import { csrfToken, refusalText, request } from "../common/api.js";
import { configureFormat } from "../common/format.js";
import { gettext, interpolate, ngettext, pageLanguage } from "../common/i18n.js";
import { streamClient } from "../common/stream.js";
import { announceNewCalls, settleNewCalls } from "./newcall.js";
import { $, note, render, S, say, state } from "./state.js";
import { lockApp, revoked } from "./session.js";
import { heardFromDispatch } from "./emergency.js";
import { applyLive } from "./live.js";

/** A weak signal must not freeze the app: a request with no answer by then counts as no network. */
const API_TIMEOUT_MS = 8000;
/** The whole working set again, while the stream is live: a repair for what no event names. */
const BOOT_MAX_AGE_MS = 15 * 60 * 1000;
/** ... and while it is not (events cannot keep the copy up to date): as often as the app looks. */
const BOOT_MAX_AGE_OFFLINE_MS = 60 * 1000;
/** A stream down longer than this: the whole working set after the welcome, not the replay record by record. */
const LONG_GAP_MS = 2 * 60 * 1000;

const streamLive = () => !!(state.stream && state.stream.live);

/** Whether the copy of the working set is too old to bring up to date with events alone. */
export function bootStale() {
  if (!state.boot || !state.lastBoot) return true;
  return Date.now() - state.lastBoot > (streamLive() ? BOOT_MAX_AGE_MS : BOOT_MAX_AGE_OFFLINE_MS);
}

/** JSON to and from the server, in the tablet's language (?lang= outranks the person's own choice:
    the language is chosen per device); the CSRF token falls back to the copy kept for offline sends. */
export function api(path, options = {}) {
  const url = `${path}${path.includes("?") ? "&" : "?"}lang=${encodeURIComponent(pageLanguage())}`;
  return request(url, { timeout: API_TIMEOUT_MS, ...options, csrf: async () => (await S.get("meta", "csrf")) || "" });
}

export function updateConn() {
  const el = $("#conn");
  const live = !!(state.stream && state.stream.live);
  if (!navigator.onLine) { el.className = "conn conn-offline"; el.textContent = gettext("Offline — your work is kept on this tablet"); }
  else if (live) { el.className = "conn conn-live"; el.textContent = gettext("Live"); }
  else { el.className = "conn conn-online"; el.textContent = gettext("Online"); }
  document.body.dataset.conn = !navigator.onLine ? "offline" : live ? "live" : "online";
}

export async function refreshCounts() {
  if (state.stopped) return;
  // Position reports are the tablet's own bookkeeping, not the responder's changes: not counted.
  state.pending = S.unlocked() ? (await S.outboxAll()).filter((m) => m.type !== "position.report").length : await S.count("outbox");
  state.problems = S.unlocked() ? await S.all("problems") : [];
  const pending = $("#pending");
  pending.hidden = state.pending === 0;
  pending.textContent = interpolate(ngettext("%(count)s change waiting to sync", "%(count)s changes waiting to sync", state.pending), { count: state.pending });
  document.body.dataset.pending = String(state.pending);
  const badge = $("#problem-count");
  const problems = await S.count("problems");
  badge.hidden = problems === 0;
  badge.textContent = String(problems);
}

export async function handleOutcome(outcome) {
  if (!outcome) return false;
  if (outcome.state === "device_revoked") { await revoked(); return false; }
  if (!["ok", "offline", "error"].includes(outcome.state)) {
    // not_authenticated, idle_timeout (the server ended the session), device_unknown, no-device: sign in again.
    if (state.user && !state.locked) {
      lockApp(outcome.state === "device_unknown" ? gettext("This tablet is not registered. Check it with your supervisor.")
        : gettext("Sign in again to send your changes. They are kept on this tablet."), "error");
    }
    return false;
  }
  if (outcome.state === "error") note(interpolate(gettext("The server could not take the changes yet (%(reason)s). They stay queued."), { reason: outcome.detail }), "error");
  return outcome.state === "ok";
}

export async function sync() {
  if (state.stopped || !state.user || state.locked) return false;
  let before = 0;
  let outcome = null;
  try {
    await S.put("meta", (await csrfNow()) || "", "csrf");
    before = (await S.all("problems")).length;
    outcome = await S.drain();
  } catch (error) {
    return false; // local data was erased meanwhile (revocation or sign-out)
  }
  state.lastContact = Date.now();
  if (outcome && ["ok", "error"].includes(outcome.state)) S.put("meta", state.lastContact, "last_contact").catch(() => {});
  const ok = await handleOutcome(outcome);
  if (state.stopped) return false;
  state.encounters = await S.all("encounters");
  await refreshCounts();
  const added = state.problems.length - before;
  if (added > 0) note(interpolate(ngettext("%(count)s change needs your attention. Open “Needs attention”.", "%(count)s changes need your attention. Open “Needs attention”.", added), { count: added }), "error");
  else if (ok && outcome.sent) {
    const sent = interpolate(ngettext("%(count)s change sent.", "%(count)s changes sent.", outcome.sent), { count: outcome.sent });
    // The responder's own confirmation ("… Sending now.") says it went; otherwise only the quiet line
    // does. say() forgets the confirmation as soon as anything else is said, so it is still on screen.
    if (state.confirmation) say(`${state.confirmation} ${sent}`, "ok");
    else note(sent, "ok");
  }
  return ok;
}

async function csrfNow() {
  return csrfToken() || S.get("meta", "csrf");
}

export function showTeam() {
  $("#team-name").textContent = state.boot && state.boot.team ? `· ${state.boot.team.call_sign}` : "";
  if (state.boot) configureFormat({ timeZone: state.boot.time_zone });
}

export async function refreshBootstrap() {
  if (state.stopped || !state.user || state.locked || !navigator.onLine) return;
  let answer;
  try { answer = await api(`/api/v1/field/bootstrap/?device=${encodeURIComponent(state.device || "")}`); } catch (error) { return; }
  if (answer.status === 401 || answer.status === 403) { await handleOutcome({ state: answer.body.code || "not_authenticated" }); return; }
  if (!answer.ok) { say(refusalText(answer.body, gettext("Could not load your calls.")), "error"); return; }
  const boot = answer.body;
  state.lastBoot = Date.now();
  document.body.dataset.boots = String(Number(document.body.dataset.boots || 0) + 1);
  const known = new Set(((state.boot && state.boot.assignments) || []).map((a) => a.id));
  const fresh = boot.assignments.filter((a) => a.active && !known.has(a.id));
  state.boot = boot;
  await S.put("cache", boot, "bootstrap");
  if (boot.offline_wipe_days) await S.put("meta", boot.offline_wipe_days, "offline_wipe_days");
  const cursors = (await S.get("meta", "cursors")) || {};
  for (const [stream, seq] of Object.entries(boot.cursors || {})) cursors[stream] = Math.max(cursors[stream] || 0, seq);
  await S.put("meta", cursors, "cursors");
  const pendingRecords = new Set((await S.outboxAll()).map((m) => m.record));
  for (const encounter of boot.encounters) {
    if (!pendingRecords.has(encounter.id)) await S.put("encounters", { ...encounter, pending: false });
  }
  state.encounters = await S.all("encounters");
  if (fresh.length && state.knownAssignments !== null) announceNewCalls(fresh); // takes over the screen
  else settleNewCalls();
  state.knownAssignments = new Set(boot.assignments.map((a) => a.id));
  document.body.dataset.boot = "loaded";
  showTeam();
  if (state.view !== "form") render();
}

export async function refreshResources() {
  if (state.stopped || !state.user || state.locked || !navigator.onLine) return;
  try {
    const answer = await api("/api/v1/field/resources/");
    if (answer.ok) { state.resources = answer.body; await S.put("cache", answer.body, "resources"); if (state.view === "resources") render(); }
  } catch (error) { /* offline: keep the cached directory */ }
}

/** Every contact: send the outbox (which also tells a revoked tablet), then the working set if the
    copy is too old for the stream's events to bring up to date. */
export async function contact() {
  if (!navigator.onLine || state.stopped) { updateConn(); return; }
  const ok = await sync();
  if (!ok) return;
  if (bootStale()) await refreshBootstrap();
  if (!state.resources || !state.resources.fetched || Date.now() - state.resources.fetched > 600000) {
    await refreshResources();
    if (state.resources) state.resources.fetched = Date.now();
  }
  connectStream();
}

export function scheduleRefresh() {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = setTimeout(() => refreshBootstrap(), 250);
}

export async function kick() {
  await refreshCounts();
  try {
    const registration = navigator.serviceWorker && (await navigator.serviceWorker.getRegistration("/field/"));
    if (registration && registration.sync) await registration.sync.register("fl-outbox");
  } catch (error) { /* Background Sync is optional */ }
  // With the stream live, the server's answer to what was sent comes back as events.
  if (navigator.onLine) { await sync(); if (!streamLive()) scheduleRefresh(); }
}

// --- the live stream -------------------------------------------------------------------------------

async function saveCursor(stream, seq, keepHigher) {
  const cursors = (await S.get("meta", "cursors")) || {};
  cursors[stream] = keepHigher ? Math.max(cursors[stream] || 0, seq) : seq;
  await S.put("meta", cursors, "cursors");
}

export function connectStream() {
  if (!state.stream) {
    state.stream = streamClient({
      lane: "field",
      canConnect: () => !state.stopped && !!state.user && !state.locked && navigator.onLine,
      device: () => state.device,
      cursors: async () => {
        const saved = (await S.get("meta", "cursors")) || {};
        return Object.fromEntries(Object.keys((state.boot && state.boot.cursors) || {}).map((stream) => [stream, saved[stream] || 0]));
      },
      onLive: (live) => {
        if (!live && !state.streamDownAt) state.streamDownAt = Date.now();
        updateConn();
      },
      onWelcome: async () => {
        // Back after a gap: send, then the replay brings the store up to date event by event; after a
        // long gap (or with an old copy) the whole working set is one request instead.
        const down = state.streamDownAt;
        state.streamDownAt = 0;
        await sync();
        if ((down && Date.now() - down > LONG_GAP_MS) || bootStale()) scheduleRefresh();
      },
      onEvent: async (frame) => {
        await saveCursor(frame.stream, frame.seq, true);
        if (frame.kind === "device.revoked") { await revoked(); return false; }
        await applyLive(frame);
        if (frame.kind.startsWith("emergency.")) heardFromDispatch(frame);
        if (frame.kind === "followup.due" || frame.kind === "followup.overdue") say(gettext("A follow-up is due for your team."), "ok");
        return true;
      },
      onResync: async (frame) => { await saveCursor(frame.stream, frame.seq, false); scheduleRefresh(); },
      onClose: (code) => {
        if (code === 4410) { revoked(); return true; }
        if (code === 4401 || code === 4403 || code === 4411) { handleOutcome({ state: "not_authenticated" }); return true; }
        return false;
      },
    });
  }
  state.stream.connect();
}

export function closeStream() {
  if (state.stream) state.stream.disconnect();
}
