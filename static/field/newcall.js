/* The new-call alert: a call assigned while the app is open takes over the screen, whatever view is
   open, with its priority, call type, address and distance (when the tablet knows where it is), and
   repeats its sound and vibration until someone acknowledges. Sync notices never touch it: they have
   their own quiet line (#sync-note). Sound needs a gesture first (browsers' rule), so the first tap
   or key anywhere opens the AudioContext. */
import { formatNumber } from "../common/format.js";
import { gettext, interpolate, ngettext } from "../common/i18n.js";
import { acknowledge, assignmentById, saveDraft } from "./encounters.js";
import { lastPosition } from "./position.js";
import { distanceKm } from "./resources.js";
import { $, esc, render, state } from "./state.js";

const REPEAT_MS = 5000;
const waiting = []; // assignment ids, oldest first
let repeat = null;
let audio = null;

function unlockAudio() {
  if (audio) return;
  try { audio = new (window.AudioContext || window.webkitAudioContext)(); } catch (error) { audio = null; }
}
document.addEventListener("pointerdown", unlockAudio, { once: true, capture: true });
document.addEventListener("keydown", unlockAudio, { once: true, capture: true });

function ring() {
  if (navigator.vibrate) navigator.vibrate([400, 200, 400]);
  if (!audio) return;
  if (audio.state === "suspended") audio.resume().catch(() => {});
  [0, 0.3, 0.6].forEach((offset) => {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 988;
    gain.gain.setValueAtTime(0.25, audio.currentTime + offset);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + offset + 0.25);
    osc.connect(gain).connect(audio.destination);
    osc.start(audio.currentTime + offset);
    osc.stop(audio.currentTime + offset + 0.25);
  });
  document.body.dataset.newCallRings = String(Number(document.body.dataset.newCallRings || 0) + 1);
}

function distanceText(incident) {
  const km = distanceKm(lastPosition(), incident);
  if (km === null) return gettext("Distance unknown");
  return interpolate(gettext("%(km)s km away"), { km: formatNumber(km, { maximumFractionDigits: 1 }) });
}

function show() {
  const box = $("#new-call");
  const assignment = waiting.length ? assignmentById(waiting[0]) : null;
  if (!assignment) {
    box.hidden = true;
    box.innerHTML = "";
    delete document.body.dataset.newCall;
    clearInterval(repeat);
    repeat = null;
    return;
  }
  const i = assignment.incident_detail;
  box.innerHTML = `<div class="new-call-card">
    <h1 id="new-call-title">${esc(gettext("New call"))}</h1>
    <p class="new-call-priority p${esc(i.priority)}">${esc(interpolate(gettext("Priority %(priority)s"), { priority: i.priority }))}</p>
    <p class="new-call-type">${esc(i.call_type_name || gettext("Call"))}</p>
    <p class="new-call-place">${esc(i.location_text || "")}</p>
    <p class="new-call-distance">${esc(distanceText(i))}</p>
    ${waiting.length > 1 ? `<p class="hint">${esc(interpolate(ngettext("%(count)s more new call after this one", "%(count)s more new calls after this one", waiting.length - 1), { count: waiting.length - 1 }))}</p>` : ""}
    <button type="button" class="btn btn-primary btn-big btn-block" id="new-call-ack" data-id="${esc(assignment.id)}">${esc(gettext("Acknowledge and open the call"))}</button>
  </div>`;
  box.hidden = false;
  document.body.dataset.newCall = String(assignment.id);
  $("#new-call-ack").focus();
  if (!repeat) { ring(); repeat = setInterval(ring, REPEAT_MS); }
}

/** Calls that arrived since the last look, still waiting for the team's acknowledgement. */
export function announceNewCalls(fresh) {
  for (const a of fresh) if (a.status === "dispatched" && !waiting.includes(a.id)) waiting.push(a.id);
  settleNewCalls();
}

/** Drop calls acknowledged meanwhile (on this tablet or another of the team) or taken off the team. */
export function settleNewCalls() {
  for (let k = waiting.length - 1; k >= 0; k--) {
    const a = assignmentById(waiting[k]);
    if (!a || a.status !== "dispatched") waiting.splice(k, 1);
  }
  show();
}

async function acknowledgeShown(id) {
  const index = waiting.indexOf(Number(id));
  if (index >= 0) waiting.splice(index, 1);
  clearInterval(repeat);
  repeat = null;
  await saveDraft().catch(() => {}); // a form left open keeps its words as a draft
  state.form = null;
  state.selected = String(id);
  state.view = "call";
  await acknowledge(id);
  render();
  show();
}

export function setUpNewCalls() {
  $("#new-call").addEventListener("click", (event) => {
    const button = event.target.closest("#new-call-ack");
    if (button) acknowledgeShown(button.dataset.id);
  });
}
