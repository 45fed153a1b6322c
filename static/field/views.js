/* The field app's screens, drawn from the state as HTML strings (every value escaped). */
import { formatList, formatTime } from "../common/format.js";
import { gettext, interpolate } from "../common/i18n.js";
import { assignmentById, nextStatuses, saveDraft } from "./encounters.js";
import { actionsForm, viewForm } from "./form.js";
import { actionsCard, viewCard } from "./card.js";
import { coResponseBlock } from "./coresponse.js";
import { premiseBlock } from "./premise.js";
import { answerRows, questionTyped } from "./questions.js";
import { viewResources } from "./resources.js";
import { $, esc, label, screen, state, statusWords, vocab } from "./state.js";

function mapLinks(incident) {
  const q = encodeURIComponent(incident.location_text || "");
  const app = esc(gettext("Open in maps app"));
  const web = esc(gettext("Web map"));
  if (incident.latitude != null && incident.longitude != null) {
    const { latitude: lat, longitude: lon } = incident;
    return `<a class="link-btn" href="geo:${lat},${lon}?q=${lat},${lon}(${q})">${app}</a>
      <a class="link-btn" target="_blank" rel="noopener" href="https://www.openstreetmap.org/?mlat=${lat}&amp;mlon=${lon}#map=17/${lat}/${lon}">${web}</a>`;
  }
  return `<a class="link-btn" href="geo:0,0?q=${q}">${app}</a>
    <a class="link-btn" target="_blank" rel="noopener" href="https://www.openstreetmap.org/search?query=${q}">${web}</a>`;
}

function safetyBlock(incident) {
  const flags = incident.safety_flags || [];
  if (!flags.length && !incident.safety_notes) return "";
  return `<div class="safety" role="note"><span>⚠ ${esc(gettext("Safety"))}</span><ul>${flags.map((f) => `<li>${esc(f)}</li>`).join("")}
    ${incident.safety_notes ? `<li>${esc(incident.safety_notes)}</li>` : ""}</ul></div>`;
}

function viewEnroll() {
  return `<section class="card narrow"><h1>${esc(gettext("Enroll this tablet"))}</h1>
    <p>${esc(gettext("Scan the QR code your supervisor shows when the tablet is registered, or type the enrollment code."))}</p>
    <form id="enroll-form" autocomplete="off">
      <label for="fl-enroll-code">${esc(gettext("Enrollment code"))}</label>
      <input id="fl-enroll-code" name="code" inputmode="text" autocapitalize="characters" spellcheck="false" placeholder="XXXX-XXXX-XXXX">
      <p class="hint">${esc(gettext("The code works once. Ask your supervisor for a new one if it was used or has expired."))}</p>
      <button type="submit" class="btn btn-primary btn-big btn-block">${esc(gettext("Enroll"))}</button>
    </form></section>`;
}

function viewLogin(locked) {
  if (!state.device || !state.deviceKey) return viewEnroll();
  const username = (state.user && state.user.username) || "";
  return `<section class="card narrow"><h1>${esc(locked ? gettext("Locked") : gettext("Sign in on this tablet"))}</h1>
    <p class="hint" id="fl-tablet-name">${esc(interpolate(gettext("Tablet: %(name)s"), { name: state.deviceName || state.device }))}</p>
    ${locked ? `<p>${esc(gettext("Your work is kept on this tablet. Enter your password to continue."))}</p>` : ""}
    <form id="login-form" autocomplete="off">
      <label for="fl-username">${esc(gettext("Username"))}</label>
      <input id="fl-username" name="username" value="${esc(username)}" ${locked ? "readonly" : ""} autocomplete="username">
      <label for="fl-password">${esc(gettext("Password"))}</label>
      <input id="fl-password" name="password" type="password" autocomplete="current-password">
      <button type="submit" class="btn btn-primary btn-big btn-block">${esc(gettext("Sign in"))}</button>
    </form></section>`;
}

const priority = (i) => `<span class="badge p${i.priority}">${esc(interpolate(gettext("Priority %(priority)s"), { priority: i.priority }))}</span>`;

function viewCalls() {
  if (!state.boot) return `<p class="loading">${esc(navigator.onLine ? gettext("Loading your calls…") : gettext("No saved calls yet. They load the first time the tablet has signal."))}</p>`;
  const list = state.boot.assignments.slice().sort((a, b) => Number(b.active) - Number(a.active));
  if (!list.length) return `<p class="empty">${esc(gettext("No calls right now. New calls appear here by themselves."))}</p>`;
  return `<h1>${esc(gettext("Your calls"))}</h1><div class="calls">${list.map((a) => {
    const i = a.incident_detail;
    return `<button type="button" class="call-card ${a.active ? "active" : ""}" data-action="open-call" data-id="${a.id}" data-assignment="${a.id}">
      <h2>${esc(i.location_text)}</h2>
      ${priority(i)}<span class="badge status">${esc(statusWords(a.status))}</span>
      ${esc(i.call_type_name || "")} · ${esc(i.reference)}
      ${(i.safety_flags || []).length ? `<div class="safety">⚠ ${esc(formatList(i.safety_flags))}</div>` : ""}
    </button>`;
  }).join("")}</div>`;
}

function encounterBlock(e) {
  const c = e.current || {};
  const v = vocab();
  const waiting = esc(gettext("(waiting to sync)"));
  const words = (codes, map) => esc(formatList((codes || []).map((n) => label(map, n)))) || "—";
  return `<article class="encounter ${e.pending ? "pending" : ""}" data-encounter="${esc(e.id)}">
    <h3>${esc(gettext("Encounter"))} ${e.pending ? waiting : esc(interpolate(gettext("version %(number)s"), { number: e.version }))}</h3>
    <dl class="kv"><dt>${esc(gettext("Ended"))}</dt><dd>${esc(label(v.dispositions, c.disposition))}</dd>
      <dt>${esc(gettext("People"))}</dt><dd>${esc(c.people_served)}</dd>
      <dt>${esc(gettext("Needs"))}</dt><dd>${words(c.needs, v.needs)}</dd>
      <dt>${esc(gettext("Services"))}</dt><dd>${words(c.services_provided, v.services_provided)}</dd>${answerRows(c.custom)}</dl>
    ${c.narrative ? `<p class="narrative">${esc(c.narrative)}</p>` : ""}
    ${(e.notes || []).map((n) => `<p class="note">${esc(n.text)} <span class="hint">— ${esc(n.author || "")}${n.created_at ? ` · ${esc(formatTime(n.created_at))}` : ""}${n.pending ? ` ${waiting}` : ""}</span></p>`).join("")}
    <label for="note-${esc(e.id)}">${esc(gettext("Add a note"))}</label>
    <textarea id="note-${esc(e.id)}" rows="2" maxlength="2000"></textarea>
    <div class="row"><button type="button" class="btn" data-action="add-note" data-id="${esc(e.id)}">${esc(gettext("Add note"))}</button>
      <button type="button" class="btn" data-action="edit-encounter" data-id="${esc(e.id)}">${esc(gettext("Change this encounter"))}</button>
      <button type="button" class="btn" data-action="feedback-card" data-id="${esc(e.id)}">${esc(gettext("Offer a feedback card"))}</button></div>
  </article>`;
}

function viewCall() {
  const a = assignmentById(state.selected);
  if (!a) return `<p class="empty">${esc(gettext("That call is no longer on your list."))}</p>`;
  const i = a.incident_detail;
  const encounters = state.encounters.filter((e) => e.incident === a.incident);
  return `<article class="call">
    <h1>${esc(i.call_type_name || gettext("Call"))} <span class="hint">${esc(i.reference)}</span></h1>
    ${priority(i)}<span class="badge status" id="call-status">${esc(statusWords(a.status))}</span>
    ${safetyBlock(i)}
    <p class="address">${esc(i.location_text)}</p>
    <div class="map-links">${mapLinks(i)}</div>
    <h2>${esc(gettext("What the caller said"))}</h2><p class="call-notes">${esc(i.summary)}${i.caller_notes ? `\n\n${esc(i.caller_notes)}` : ""}</p>
    ${i.callback ? `<p>${esc(gettext("Callback:"))} <a href="tel:${esc(i.callback)}">${esc(i.callback)}</a></p>` : ""}
    ${premiseBlock(a.incident)}
    ${coResponseBlock(a.incident)}
    <h2>${esc(gettext("Encounters"))}</h2>${encounters.map(encounterBlock).join("") || `<p class="empty">${esc(gettext("Nothing documented yet."))}</p>`}
  </article>`;
}

function actionsCall() {
  const a = assignmentById(state.selected);
  if (!a) return "";
  const buttons = [];
  if (a.status === "dispatched") buttons.push(`<button type="button" class="btn btn-ok" data-action="ack" data-id="${a.id}">${esc(gettext("Acknowledge"))}</button>`);
  for (const next of nextStatuses(a.status)) {
    buttons.push(`<button type="button" class="btn ${next === "cleared" ? "" : "btn-primary"}" data-action="status" data-id="${a.id}" data-status="${esc(next)}">${esc(statusWords(next))}</button>`);
  }
  buttons.push(`<button type="button" class="btn" data-action="new-encounter" data-id="${a.id}">${esc(gettext("Document encounter"))}</button>`);
  return buttons.join("");
}

function describe(m) {
  const v = vocab();
  if (m.type.startsWith("encounter.") && m.data) {
    if (m.type === "encounter.note") return esc(interpolate(gettext("Note: “%(text)s”"), { text: m.data.text }));
    return esc(interpolate(gettext("Encounter: %(ended)s; %(narrative)s"), { ended: label(v.dispositions, m.data.disposition), narrative: m.data.narrative || "" }));
  }
  if (m.type === "assignment.status") return esc(interpolate(gettext("Status “%(status)s” on call %(call)s"), { status: statusWords(m.data.status), call: m.record }));
  if (m.type === "assignment.acknowledge") return esc(interpolate(gettext("Acknowledge call %(call)s"), { call: m.record }));
  if (m.type === "co_response.request" && m.data) {
    const agency = ((v.co_response || { agencies: [] }).agencies.find((a) => a.code === m.data.agency) || { name: m.data.agency }).name;
    return esc(interpolate(gettext("%(agency)s asked to come"), { agency }));
  }
  if (m.type === "feedback_card.issue") return esc(gettext("Feedback card offered after an encounter"));
  if (m.type === "co_response.update") return esc(gettext("Police, fire or EMS: arrival, departure or outcome"));
  return `${esc(m.type)} ${esc(m.record || "")}`;
}

/** The server's reasons; store.js marks a batch the server never answered with the code `no_answer`. */
function errorsText(errors) {
  if (errors && errors.code === "no_answer") return esc(gettext("The server gave no answer."));
  return Object.entries(errors || {}).map(([field, messages]) => `${field === "detail" ? "" : `${esc(field)}: `}${esc([].concat(messages).map((x) => (typeof x === "object" ? JSON.stringify(x) : x)).join(" "))}`).join("<br>");
}

function conflictSection(p) {
  const m = p.mutation;
  const s = p.server.current || {};
  const v = vocab();
  const theirs = s.authored_by
    ? interpolate(gettext("On the server (version %(number)s, by %(author)s)"), { number: p.server.version, author: s.authored_by })
    : interpolate(gettext("On the server (version %(number)s)"), { number: p.server.version });
  return `<section class="problem conflict" data-problem="${esc(p.id)}"><h2>${esc(gettext("Someone else changed this encounter"))}</h2>
    <p>${errorsText(p.errors)}</p>
    <div class="versions"><div class="mine"><h3>${esc(gettext("Your version"))}</h3><p>${esc(label(v.dispositions, m.data.disposition))}</p><p>${esc(m.data.narrative || "")}</p></div>
    <div class="theirs"><h3>${esc(theirs)}</h3><p>${esc(label(v.dispositions, s.disposition))}</p><p>${esc(s.narrative || "")}</p></div></div>
    <div class="row"><button type="button" class="btn btn-primary" data-action="resolve" data-choice="mine" data-id="${esc(p.id)}">${esc(gettext("Keep mine"))}</button>
    <button type="button" class="btn" data-action="resolve" data-choice="theirs" data-id="${esc(p.id)}">${esc(gettext("Keep theirs"))}</button></div></section>`;
}

function rejectedSection(p) {
  return `<section class="problem rejected" data-problem="${esc(p.id)}"><h2>${esc(gettext("Not accepted by the server"))}</h2><p>${describe(p.mutation)}</p>
    <p class="reason"><strong>${esc(gettext("Why:"))}</strong> ${errorsText(p.errors)}</p>
    <div class="row"><button type="button" class="btn" data-action="resolve" data-choice="retry" data-id="${esc(p.id)}">${esc(gettext("Send again"))}</button>
    <button type="button" class="btn" data-action="resolve" data-choice="drop" data-id="${esc(p.id)}">${esc(gettext("Remove from this list"))}</button></div></section>`;
}

function viewProblems() {
  const title = `<h1>${esc(gettext("Needs attention"))}</h1>`;
  if (!state.problems.length) return `${title}<p class="empty">${esc(gettext("Nothing needs your attention. Every change was accepted."))}</p>`;
  return title + state.problems.map((p) => (p.kind === "conflict" && p.server ? conflictSection(p) : rejectedSection(p))).join("");
}

function viewWiped() {
  return `<section class="card narrow"><h1>${esc(gettext("Tablet erased"))}</h1><p>${esc(gettext("Ask your supervisor for a registered tablet."))}</p>
    <button type="button" class="btn btn-big btn-block" data-action="reload">${esc(gettext("Start again"))}</button></section>`;
}

/** The control the responder is on, so the same control has the focus after the screen is redrawn. */
function focusedControl() {
  const el = document.activeElement;
  if (!el || el === document.body || !$("#view").contains(el) && !$("#actions").contains(el)) return null;
  const typing = typeof el.selectionStart === "number" ? [el.selectionStart, el.selectionEnd] : null;
  if (el.id) return { selector: `#${CSS.escape(el.id)}`, typing };
  const keys = ["action", "id", "question", "code", "field", "list", "step", "status", "choice"].filter((k) => el.dataset[k] !== undefined);
  if (!keys.length) return null;
  return { selector: keys.map((k) => `[data-${k}="${CSS.escape(el.dataset[k])}"]`).join(""), typing };
}

/** Text typed into the form is the truth until its input event is handled: a redraw after a tap
    keeps it (and saves it) instead of drawing the older words over it. */
function keepTypedWords() {
  const f = state.form;
  if (!f || $("#view").dataset.form !== f.id) return;
  let changed = false;
  const narrative = $("#narrative");
  if (narrative && narrative.value !== f.narrative) { f.narrative = narrative.value; changed = true; }
  for (const input of document.querySelectorAll("#view input[data-question]")) {
    const before = JSON.stringify(f.custom && f.custom.answers[input.dataset.question]);
    if (questionTyped(f, input) && JSON.stringify(f.custom.answers[input.dataset.question]) !== before) changed = true;
  }
  for (const input of document.querySelectorAll("#view [data-person]")) {
    if (input.value !== (f.person[input.dataset.person] || "")) { f.person[input.dataset.person] = input.value; changed = true; }
  }
  if (changed) saveDraft().catch(() => {});
}

export function render() {
  keepTypedWords();
  const focus = focusedControl();
  const loggedIn = !!state.user && !state.locked && state.view !== "wiped";
  $("#nav").hidden = !loggedIn;
  $("#sos-bar").hidden = !loggedIn;
  document.body.dataset.view = state.locked ? "locked" : state.view;
  for (const button of document.querySelectorAll(".nav-btn[data-view]")) {
    button.setAttribute("aria-current", button.dataset.view === state.view || (state.view === "call" && button.dataset.view === "calls") ? "page" : "false");
  }
  const scroll = window.scrollY;
  let html = "";
  let actions = "";
  if (state.view === "wiped") html = viewWiped();
  else if (!state.user) html = viewLogin(false);
  else if (state.locked) html = viewLogin(true);
  else if (state.view === "call") { html = viewCall(); actions = actionsCall(); }
  else if (state.view === "form" && state.form) { html = viewForm(); actions = actionsForm(); }
  else if (state.view === "card" && state.card) { html = viewCard(); actions = actionsCard(); }
  else if (state.view === "resources") html = viewResources();
  else if (state.view === "problems") html = viewProblems();
  else { state.view = "calls"; html = viewCalls(); }
  $("#view").innerHTML = html;
  $("#view").dataset.form = state.view === "form" && state.form ? state.form.id : "";
  $("#actions").innerHTML = actions;
  $("#actions").hidden = !actions;
  window.scrollTo(0, scroll);
  const again = focus && document.querySelector(focus.selector);
  if (again) {
    again.focus({ preventScroll: true });
    if (focus.typing && typeof again.setSelectionRange === "function") again.setSelectionRange(...focus.typing);
  }
}

screen.render = render;
