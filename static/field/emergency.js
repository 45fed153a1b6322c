/* The emergency button: one control on every screen, held for 1.5 s (a pocket press or a brush does
   nothing), by touch, mouse or keyboard (Space or Enter held down). The press is sent at once to
   POST /api/v1/field/emergencies/ and, when that cannot reach the server, queued in the outbox under
   the same id (the server takes both as one emergency) while the screen says to use the radio. */
import { gettext } from "../common/i18n.js";
import { api, kick, refreshCounts } from "./net.js";
import { lastPosition, watchPosition } from "./position.js";
import { $, S, state } from "./state.js";

export const HOLD_MS = 1500;
let held = null; // { started, frame }
function show(text, kind) {
  const box = $("#sos-status");
  box.textContent = text;
  box.className = `sos-status ${kind}`;
  box.hidden = !text;
  document.body.dataset.emergency = kind;
}

function paint(fraction) {
  $("#sos").style.setProperty("--hold", String(fraction));
  $("#sos-progress").value = Math.round(fraction * 100);
}

function release() {
  if (!held) return;
  cancelAnimationFrame(held.frame);
  held = null;
  paint(0);
}

function start(event) {
  if (held || !state.user || state.locked) return;
  if (event) event.preventDefault();
  held = { started: performance.now(), frame: 0 };
  const step = (now) => {
    if (!held) return;
    const fraction = Math.min(1, (now - held.started) / HOLD_MS);
    paint(fraction);
    if (fraction >= 1) { release(); raise(); return; }
    held.frame = requestAnimationFrame(step);
  };
  held.frame = requestAnimationFrame(step);
}

/** Send now; with no answer, say so plainly and queue the same press for when the signal returns. */
export async function raise() {
  const id = S.uuid();
  const data = lastPosition() || {};
  show(gettext("Sending the emergency…"), "sending");
  let sent = false;
  if (navigator.onLine) {
    try {
      const answer = await api("/api/v1/field/emergencies/", { method: "POST", body: { id, ...data } });
      sent = answer.ok;
      if (!answer.ok && answer.status < 500 && answer.status !== 0) {
        show(gettext("The emergency was refused. Use your radio."), "error");
        return;
      }
    } catch (error) { sent = false; }
  }
  if (sent) { show(gettext("Emergency sent. Dispatch is alerted."), "sent"); return; }
  show(gettext("No signal: use your radio. The emergency is queued and goes out when the signal returns."), "error");
  try {
    await S.put("outbox", {
      id, type: "emergency.raise", record: id, base_version: null, data, device_time: new Date().toISOString(),
      seq: 0, queued_at: new Date().toISOString(), // first in line
    });
    await refreshCounts();
    kick();
  } catch (error) { /* locked or erased meanwhile: the words above still stand */ }
}

export function heardFromDispatch(frame) {
  if (frame.kind === "emergency.acknowledged") show(gettext("Dispatch acknowledged the emergency."), "sent");
  else if (frame.kind === "emergency.resolved") show("", "");
  else if (frame.kind === "emergency.raised" && !document.body.dataset.emergency) {
    show(gettext("Your team raised an emergency. Dispatch is alerted."), "sent");
  }
}

export function setUpEmergency() {
  const button = $("#sos");
  if (!button) return;
  button.addEventListener("pointerdown", start);
  for (const name of ["pointerup", "pointerleave", "pointercancel"]) button.addEventListener(name, release);
  button.addEventListener("keydown", (event) => {
    if ((event.key === " " || event.key === "Enter") && !event.repeat) start(event);
    else if (event.key === " " || event.key === "Enter") event.preventDefault();
  });
  button.addEventListener("keyup", (event) => { if (event.key === " " || event.key === "Enter") release(); });
  button.addEventListener("blur", release);
  button.addEventListener("click", (event) => event.preventDefault()); // only a full hold raises
  button.addEventListener("contextmenu", (event) => event.preventDefault()); // a long touch is not a menu
  watchPosition();
}
