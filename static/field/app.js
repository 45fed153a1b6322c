/* Firstline field app: the responder's calls, encounter forms, resources and outbox.
   Everything the responder does becomes a mutation in the IndexedDB outbox (store.js) first and is
   sent when there is signal; nothing typed is lost to a dead zone. This module wires the screen's
   events and starts the app; the parts live beside it (net, session, encounters, views). */
import { gettext, loadCatalog, pageLanguage, rememberLanguage } from "../common/i18n.js";
import { cardAction, cardSubmit } from "./card.js";
import { setUpCheckins } from "./checkin.js";
import { coResponseAction, coResponseChange, coResponseInput } from "./coresponse.js";
import { setUpEmergency } from "./emergency.js";
import { setUpNewCalls } from "./newcall.js";
import { premiseAction } from "./premise.js";
import { questionTap, questionTyped } from "./questions.js";
import { reportPositions } from "./position.js";
import { acknowledge, addNote, openForm, resolveProblem, saveDraft, setStatus, submitForm } from "./encounters.js";
import { closeStream, connectStream, contact, kick, refreshBootstrap, refreshCounts, sync, updateConn } from "./net.js";
import { enroll, idleCheck, lockApp, login, logout, revoked, revokedMeanwhile, tooLongOffline, touch } from "./session.js";
import { $, S, say, state, TIMER_MS } from "./state.js";
import { render } from "./views.js";

const LANGUAGE_KEY = "fl.language";

/** The shell's own words, in the tablet's language: the service worker may keep the page as it was
    rendered in another language, and the tablet may switch with no network. */
function labelShell() {
  const words = {
    ".nav-btn[data-view=calls]": gettext("Calls"), ".nav-btn[data-view=resources]": gettext("Resources"), "#logout": gettext("Sign out"),
    ".skip-link": gettext("Skip to content"), "#view .loading": gettext("Loading…"),
    ".sos-label": gettext("Emergency"), "#sos-hint": gettext("Press and hold for 1.5 seconds"),
  };
  for (const [selector, text] of Object.entries(words)) { const node = $(selector); if (node) node.textContent = text; }
  for (const [selector, text] of [[".nav-btn[data-view=problems]", gettext("Needs attention")], [".field-brand", gettext("Firstline Field")]]) {
    const node = $(selector);
    if (node && node.firstChild) node.firstChild.textContent = `${text} `; // keeps the count and the team inside
  }
  $("#nav").setAttribute("aria-label", gettext("Sections"));
  const picker = $("#fl-language");
  if (picker) picker.setAttribute("aria-label", gettext("Language"));
  $("#sos-progress").setAttribute("aria-label", gettext("Emergency: hold progress"));
  document.title = gettext("Firstline Field");
}

/** The language is chosen per tablet and kept on it, so the app opens in it with no network. */
async function useLanguage(language) {
  localStorage.setItem(LANGUAGE_KEY, language);
  rememberLanguage(language);
  await loadCatalog(language);
  const picker = $("#fl-language");
  if (picker) picker.value = language;
  labelShell();
  updateConn();
}

async function chooseLanguage(language) {
  await useLanguage(language);
  say("");
  await refreshCounts();
  render();
  if (state.user && !state.locked && navigator.onLine) await refreshBootstrap(); // the server's words, in the new language
}

// --- events ------------------------------------------------------------------------------------------

document.addEventListener("click", async (event) => {
  touch();
  const nav = event.target.closest(".nav-btn[data-view]");
  if (nav) { state.view = nav.dataset.view; say(""); render(); window.scrollTo(0, 0); return; }
  const target = event.target.closest("[data-action]");
  if (!target) return;
  const { action, id } = target.dataset;
  const f = state.form;
  if (await coResponseAction(action, target)) return;
  if (premiseAction(action, target)) { render(); return; }
  if (questionTap(f, action, target)) { await saveDraft(); render(); return; }
  if (await cardAction(action, target)) return;
  if (action === "reload") { location.reload(); return; }
  if (action === "open-call") { state.selected = id; state.view = "call"; say(""); render(); window.scrollTo(0, 0); }
  else if (action === "ack") await acknowledge(id);
  else if (action === "status") await setStatus(id, target.dataset.status);
  else if (action === "new-encounter") await openForm(id, null);
  else if (action === "edit-encounter") await openForm(state.selected, id);
  else if (action === "add-note") await addNote(id, document.getElementById(`note-${id}`).value);
  else if (action === "resolve") await resolveProblem(id, target.dataset.choice);
  else if (action === "res-need") { state.resNeed = state.resNeed === target.dataset.code ? "" : target.dataset.code; render(); }
  else if (action === "submit-form") await submitForm();
  else if (action === "close-form") { await saveDraft(); state.form = null; state.view = "call"; say(gettext("Draft kept on this tablet."), "ok"); render(); }
  else if (f && action === "people") { f.people_served = Math.max(0, Math.min(500, f.people_served + Number(target.dataset.step))); await saveDraft(); render(); }
  else if (f && action === "toggle") {
    const list = f[target.dataset.list];
    const code = target.dataset.code;
    f[target.dataset.list] = list.includes(code) ? list.filter((x) => x !== code) : list.concat([code]);
    await saveDraft(); render();
  } else if (f && action === "pick") {
    const field = target.dataset.field;
    if (field.startsWith("person.")) { const key = field.slice(7); f.person[key] = f.person[key] === target.dataset.code ? "" : target.dataset.code; }
    else f[field] = f[field] === target.dataset.code && field !== "disposition" ? "" : target.dataset.code;
    await saveDraft(); render();
  } else if (f && action === "flag") { f[target.dataset.field] = !f[target.dataset.field]; await saveDraft(); render(); }
});

document.addEventListener("input", async (event) => {
  touch();
  const el = event.target;
  if (el.id === "res-q") {
    state.resQuery = el.value;
    render(); // keeps the search box focused, cursor where it was
    return;
  }
  if (coResponseInput(el)) return;
  if (!state.form) return;
  if (questionTyped(state.form, el)) { await saveDraft(); return; }
  if (el.dataset.field === "narrative") state.form.narrative = el.value;
  else if (el.dataset.person) state.form.person[el.dataset.person] = el.value;
  else return;
  await saveDraft();
});

document.addEventListener("change", async (event) => {
  if (event.target.id === "fl-language") chooseLanguage(event.target.value);
  else await coResponseChange(event.target);
});

document.addEventListener("submit", async (event) => {
  if (event.target.id === "enroll-form") { event.preventDefault(); await enroll(event.target.code.value); return; }
  if (await cardSubmit(event)) return;
  if (event.target.id !== "login-form") return;
  event.preventDefault();
  await login(event.target);
});

$("#logout").addEventListener("click", () => logout());
setUpEmergency();
setUpNewCalls();
setUpCheckins();
// AVL: where the team is, while it is available or on a call and the app is open (position.js).
reportPositions({
  wanted: () => Boolean(state.user && !state.locked && state.boot && state.boot.team && !["off_duty", "out_of_service"].includes(state.boot.team.status)),
  rules: () => (state.boot && state.boot.position_report) || { moving_seconds: 15, still_seconds: 120, moved_metres: 30 },
  send: async (fix) => {
    try {
      await S.enqueue({ type: "position.report", record: null, data: { latitude: fix.latitude, longitude: fix.longitude, accuracy: fix.accuracy } });
      await kick();
    } catch (error) { /* locked or erased meanwhile: the next fix is reported instead */ }
  },
});
$("#pending").addEventListener("click", () => kick());
document.addEventListener("keydown", touch);
window.addEventListener("online", () => { updateConn(); contact(); });
window.addEventListener("offline", () => { updateConn(); closeStream(); });

// --- start -------------------------------------------------------------------------------------------

async function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register(window.FL_SHELL.sw, { scope: "/field/" });
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller) document.body.dataset.sw = "ready";
    navigator.serviceWorker.addEventListener("controllerchange", () => { document.body.dataset.sw = "ready"; });
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "device_revoked") revoked();
      else if (event.data && event.data.type === "synced" && S.unlocked()) { S.all("encounters").then((e) => { state.encounters = e; refreshCounts(); }).catch(() => {}); }
    });
  } catch (error) { /* the app still works online without a service worker */ }
}

async function start() {
  await useLanguage(localStorage.getItem(LANGUAGE_KEY) || pageLanguage());
  registerWorker();
  await S.open();
  state.device = (await S.get("meta", "device")) || null;
  state.deviceKey = (await S.get("meta", "device_key")) || null;
  state.deviceName = (await S.get("meta", "device_name")) || "";
  if (state.deviceKey) document.body.dataset.enrolled = "true";
  state.user = (await S.get("meta", "user")) || null;
  // The data key never outlives the page: an app that opens with a signed-in user opens locked.
  state.locked = !!state.user;
  await refreshCounts();
  render();
  if (state.user && (await tooLongOffline())) return;
  if (state.deviceKey && navigator.onLine && (await revokedMeanwhile())) return;
  const link = /[#&]enroll=([^&]+)/.exec(location.hash);
  if (link) {
    // The supervisor's enrollment link or QR code: the code rides in the fragment, never sent to a server.
    history.replaceState(null, "", location.pathname);
    await enroll(decodeURIComponent(link[1]));
  }
  document.body.dataset.ready = "true";
  if (state.user && !state.locked) await contact();
  setInterval(async () => {
    idleCheck();
    if (state.stopped || !state.user || state.locked || !navigator.onLine) return;
    if (state.pending > 0 || Date.now() - state.lastContact > 60000) await contact();
    else connectStream();
  }, TIMER_MS);
}

window.FL = { state, sync, contact, refreshBootstrap, idleCheck, lockApp, useLanguage: chooseLanguage };
start();
