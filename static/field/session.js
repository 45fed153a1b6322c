/* Who holds the tablet: enrollment, signing in and out, locking when idle, and erasing what the app
   kept when a supervisor revokes the tablet or it stayed away from the server too long. */
import { csrfToken, refusalText } from "../common/api.js";
import { gettext, interpolate, ngettext } from "../common/i18n.js";
import { api, closeStream, contact, refreshCounts, showTeam } from "./net.js";
import { $, render, S, say, state } from "./state.js";

/** Exchange the one-time enrollment code (typed, or from the supervisor's link or QR code) for the
    tablet's key, kept in IndexedDB. Replaces typing the tablet's 36-character id. */
export async function enroll(code) {
  code = String(code || "").trim();
  if (!code) { say(gettext("Enter the enrollment code your supervisor gave for this tablet."), "error"); return false; }
  let answer;
  try {
    answer = await api("/api/v1/devices/enroll/", { method: "POST", body: { enrollment_code: code } });
  } catch (error) { say(gettext("No signal. Enrolling the tablet needs the network."), "error"); return false; }
  if (!answer.ok) {
    say(refusalText(answer.body, gettext("Could not enroll this tablet.")), "error");
    render();
    return false;
  }
  if (state.device || state.user) await S.wipe({ keepDevice: true, keepShell: true }); // re-enrolled: start empty
  Object.assign(state, { device: answer.body.device, deviceKey: answer.body.device_key, deviceName: answer.body.name || "", user: null, boot: null, encounters: [] });
  localStorage.setItem("fl.device", state.device);
  await S.put("meta", state.device, "device");
  await S.put("meta", state.deviceKey, "device_key");
  await S.put("meta", state.deviceName, "device_name");
  document.body.dataset.enrolled = "true";
  say(interpolate(gettext("This tablet is enrolled as “%(name)s”. Sign in to start."), { name: state.deviceName }), "ok");
  render();
  return true;
}

async function forgetEnrollment(text) {
  Object.assign(state, { deviceKey: null });
  await S.del("meta", "device_key");
  delete document.body.dataset.enrolled;
  say(text, "error");
  render();
}

export async function login(form) {
  const username = form.username.value.trim();
  const password = form.password.value;
  const device = state.device;
  if (!device || !state.deviceKey) { await forgetEnrollment(gettext("Enroll this tablet first.")); return; }
  let answer;
  try {
    answer = await api("/api/v1/auth/login/", { method: "POST", body: { username, password, device, device_key: state.deviceKey } });
  } catch (error) {
    // No network: a locked app still opens with the password, which unwraps the local data key.
    if (state.locked && state.user && username === state.user.username && (await S.unlock(password, state.user.id))) {
      await unlocked();
      say(gettext("Unlocked with no network. Your changes are sent when there is signal."), "ok");
    } else say(state.locked ? gettext("No signal, and that password does not open this tablet's data.") : gettext("No signal. Signing in needs the network."), "error");
    return;
  }
  if (answer.status === 403 && answer.body.code === "device_revoked") { await revoked(); return; }
  if (answer.status === 401 && answer.body.code === "device_required") {
    await forgetEnrollment(gettext("This tablet's enrollment is no longer valid. Ask your supervisor for a new enrollment code."));
    return;
  }
  if (!answer.ok) { say(refusalText(answer.body, gettext("Could not sign in.")), "error"); return; }
  const user = answer.body.user;
  if (state.user && state.user.id !== user.id && state.pending) {
    say(gettext("Another person's unsent changes are on this tablet. They sign in first, or a supervisor clears the tablet."), "error");
    return;
  }
  if (state.user && state.user.id !== user.id) await S.wipe({ keepDevice: true, keepShell: true });
  if (!(await S.unlock(password, user.id))) {
    // First sign-in on this tablet, or the password changed since: what is here cannot be opened.
    if (await S.get("meta", "vault")) await S.wipe({ keepDevice: true, keepShell: true });
    await S.createVault(password, user.id);
  }
  state.user = user; state.stopped = false;
  await S.put("meta", user, "user");
  await S.put("meta", csrfToken(), "csrf");
  await unlocked();
  say("");
  await contact();
}

/** The data key is in memory again: read the working set back from the sealed store. */
export async function unlocked() {
  state.locked = false;
  state.boot = (await S.get("cache", "bootstrap")) || null;
  state.resources = (await S.get("cache", "resources")) || null;
  state.encounters = await S.all("encounters");
  state.knownAssignments = state.boot ? new Set(state.boot.assignments.map((a) => a.id)) : null;
  showTeam();
  if (state.boot) document.body.dataset.boot = "loaded";
  touch();
  state.view = "calls";
  await refreshCounts();
  render();
}

/** Lock: drop the data key and everything read from the store, so the screen and memory hold nothing. */
export function lockApp(text, kind = "") {
  S.lock();
  state.locked = true;
  closeStream();
  Object.assign(state, { boot: null, resources: null, encounters: [], problems: [], form: null, selected: null, knownAssignments: null });
  delete document.body.dataset.boot;
  $("#team-name").textContent = "";
  say(text, kind);
  render();
}

export function touch() {
  state.lastInput = Date.now();
  if (state.user && !state.stopped) S.put("meta", state.lastInput, "last_active").catch(() => {});
}

export function idleCheck() {
  if (!state.user || state.locked || state.stopped) return;
  const limit = ((state.boot && state.boot.idle_seconds) || 43200) * 1000;
  if (Date.now() - state.lastInput > limit) lockApp(gettext("Locked after being idle. Sign in again to continue; your work is kept."));
}

export async function logout() {
  const waiting = await S.count("outbox");
  const question = ngettext(
    "%(count)s change has not been sent. Signing out erases it from this tablet. Sign out anyway?",
    "%(count)s changes have not been sent. Signing out erases them from this tablet. Sign out anyway?", waiting);
  if (waiting && !window.confirm(interpolate(question, { count: waiting }))) return;
  state.stopped = true;
  closeStream();
  try { await api("/api/v1/auth/logout/", { method: "POST", body: {} }); } catch (error) { /* offline: the session ends on the server by idle timeout */ }
  await S.wipe({ keepDevice: true, keepShell: true });
  Object.assign(state, { boot: null, resources: null, encounters: [], user: null, form: null, selected: null, view: "login", stopped: false, knownAssignments: null });
  state.device = localStorage.getItem("fl.device");
  await refreshCounts();
  say(gettext("Signed out. Everything the app kept on this tablet for you was erased."), "ok");
  render();
}

export async function revoked() {
  state.stopped = true;
  closeStream();
  await S.wipe({ keepDevice: false, keepShell: false });
  try {
    const registration = navigator.serviceWorker && (await navigator.serviceWorker.getRegistration("/field/"));
    if (registration) await registration.unregister();
  } catch (error) { /* nothing to unregister */ }
  Object.assign(state, { boot: null, resources: null, encounters: [], user: null, device: null, deviceKey: null, form: null, view: "wiped", problems: [], pending: 0 });
  document.body.dataset.wiped = "true";
  $("#pending").hidden = true;
  say(gettext("This tablet was revoked by a supervisor. Everything the app kept on it has been erased."), "error");
  render();
}

/** A tablet that has not reached the server for `offline_wipe_days` (from the bootstrap) erases its
    working set when it next opens, before anyone unlocks it; its enrollment stays. */
export async function tooLongOffline() {
  const last = await S.get("meta", "last_contact");
  const days = (await S.get("meta", "offline_wipe_days")) || 7;
  if (!last || Date.now() - last <= days * 86400000) return false;
  await S.wipe({ keepDevice: true, keepShell: true });
  Object.assign(state, { user: null, locked: false, boot: null, encounters: [], problems: [], pending: 0 });
  document.body.dataset.wiped = "offline";
  const text = ngettext(
    "This tablet had not reached the server for more than %(days)s day, so it erased what it kept. Sign in again.",
    "This tablet had not reached the server for more than %(days)s days, so it erased what it kept. Sign in again.", days);
  say(interpolate(text, { days }), "error");
  await refreshCounts();
  render();
  return true;
}

/** At opening, before anyone unlocks: ask whether this tablet was revoked while it was away. */
export async function revokedMeanwhile() {
  let answer;
  try {
    // At opening the responder waits on this answer: a short wait, then the app opens as it is.
    answer = await api("/api/v1/devices/check/", { method: "POST", body: { device: state.device, device_key: state.deviceKey }, timeout: 3000 });
  } catch (error) { return false; }
  if (answer.status === 401 && answer.body.code === "device_revoked") { await revoked(); return true; }
  if (answer.ok) S.put("meta", Date.now(), "last_contact").catch(() => {});
  return false;
}
