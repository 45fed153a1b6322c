/* The emergency alarm: a team pressed the button on its tablet. Loud and persistent: the banner
   (role=alert) and its tone repeat until a dispatcher acknowledges, and the banner stays until the
   emergency is resolved. It comes back after a reload, because the board's snapshot lists every
   emergency not yet resolved; the `board` stream's emergency.* events carry the whole record. */
import { refusalText, request } from "../common/api.js";
import { formatTime } from "../common/format.js";
import { gettext, interpolate } from "../common/i18n.js";
import { beep } from "./sound.js";
import { $, el, flash, state } from "./state.js";
import { renderMap } from "./view.js";

const REPEAT_MS = 4000;
state.emergencies = new Map();
let repeat = null;

function where(e) {
  if (e.latitude === null || e.latitude === undefined) return gettext("No position from the tablet");
  const place = `${e.latitude.toFixed(5)}, ${e.longitude.toFixed(5)}`;
  return e.accuracy_m ? interpolate(gettext("%(place)s (within %(metres)s m)"), { place, metres: Math.round(e.accuracy_m) }) : place;
}

async function answer(e, step) {
  const reply = await request(`/api/v1/board/emergencies/${e.id}/${step}/`, { method: "POST", body: {} });
  if (!reply.ok) { flash(refusalText(reply.body, gettext("The emergency could not be updated.")), true); return; }
  upsert(reply.body);
}

function row(e) {
  const open = e.status === "open";
  const lines = [
    el("strong", {}, interpolate(gettext("EMERGENCY: %(team)s"), { team: e.call_sign })),
    " ",
    el("span", {}, interpolate(gettext("raised by %(person)s at %(time)s"), { person: e.raised_by, time: formatTime(e.raised_at) })),
    " · ",
    el("span", { class: "emergency-where" }, where(e)),
    e.incident_reference ? ` · ${e.incident_reference}` : "",
    " · ",
    el("span", { class: "emergency-state" }, open ? gettext("Not yet acknowledged") : gettext("Acknowledged: dispatch is acting")),
  ];
  const button = open
    ? el("button", { type: "button", class: "btn", "data-emergency-ack": e.id, onclick: () => answer(e, "acknowledge") }, gettext("Acknowledge"))
    : el("button", { type: "button", class: "btn", "data-emergency-resolve": e.id, onclick: () => answer(e, "resolve") }, gettext("Resolve: team is safe"));
  return el("li", { class: `emergency ${e.status}`, "data-emergency": e.id }, ...lines, " ", button);
}

export function renderEmergencies() {
  const box = $("emergency-alarm");
  const list = [...state.emergencies.values()].sort((a, b) => a.raised_at.localeCompare(b.raised_at));
  box.replaceChildren(...(list.length ? [el("ul", {}, list.map(row))] : []));
  box.hidden = !list.length;
  document.body.dataset.emergencies = String(list.length);
  const unanswered = list.some((e) => e.status === "open");
  if (unanswered && !repeat) { beep({ frequency: 1320, offsets: [0, 0.2, 0.4] }); repeat = setInterval(() => beep({ frequency: 1320, offsets: [0, 0.2, 0.4] }), REPEAT_MS); }
  if (!unanswered && repeat) { clearInterval(repeat); repeat = null; }
  document.title = list.length ? `🚨 ${gettext("Emergency")} · ${gettext("Dispatch board")}` : gettext("Dispatch board");
  renderMap();
}

function upsert(e) {
  if (e.status === "resolved") state.emergencies.delete(e.id);
  else state.emergencies.set(e.id, e);
  renderEmergencies();
}

export function setEmergencies(list) {
  state.emergencies = new Map(list.map((e) => [e.id, e]));
  renderEmergencies();
}

export function applyEmergencyEvent(event) {
  upsert(event.data || {});
}
