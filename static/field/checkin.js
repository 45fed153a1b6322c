/* "All OK?" while the team is on scene: when the check-in the server set (bootstrap `checkins`, by
   assignment) falls due, a prompt asks over whatever view is open; one tap answers. The answer is a
   mutation in the outbox (checkin.answer), and the next one is counted from the tap here at once.
   Without an answer, the server's sweep alerts dispatch after a grace period. */
import { gettext, interpolate } from "../common/i18n.js";
import { kick } from "./net.js";
import { $, esc, S, say, state } from "./state.js";

const LOOK_MS = 5000;
// Answers given here, by assignment: a bootstrap read before the answer reached the server still
// carries the old due time, and must not ask again.
const answeredHere = new Map();

function clocks() {
  return (state.boot && state.boot.checkins) || {};
}

/** The on-scene assignment whose check-in is due now, if any. */
function dueNow() {
  const now = Date.now();
  for (const assignment of (state.boot && state.boot.assignments) || []) {
    const clock = clocks()[String(assignment.id)];
    if (assignment.status !== "on_scene" || !clock) continue;
    const mine = answeredHere.get(assignment.id);
    const due = Math.max(new Date(clock.due_at).getTime(), mine ? mine + clock.interval_minutes * 60000 : 0);
    if (due <= now) return { assignment, clock };
  }
  return null;
}

function show() {
  const box = $("#checkin");
  if (!box) return;
  const due = state.user && !state.locked ? dueNow() : null;
  if (!due) { box.hidden = true; box.dataset.assignment = ""; return; }
  if (box.dataset.assignment === String(due.assignment.id) && !box.hidden) return;
  const reference = (due.assignment.incident_detail && due.assignment.incident_detail.reference) || "";
  box.innerHTML = `<p class="checkin-question">${esc(gettext("All OK?"))}</p>
    <p class="hint">${esc(interpolate(gettext("Check-in for call %(reference)s. Dispatch is alerted if nobody answers."), { reference }))}</p>
    <button type="button" class="btn btn-ok checkin-ok" data-checkin-ok="${esc(due.assignment.id)}">${esc(gettext("All OK"))}</button>`;
  box.dataset.assignment = String(due.assignment.id);
  box.hidden = false;
  if (navigator.vibrate) navigator.vibrate([300, 150, 300]);
}

async function answer(assignmentId) {
  const clock = clocks()[String(assignmentId)];
  await S.enqueue({ type: "checkin.answer", record: assignmentId });
  answeredHere.set(assignmentId, Date.now());
  if (clock) {
    clock.due_at = new Date(Date.now() + clock.interval_minutes * 60000).toISOString();
    clock.overdue_at = null;
    await S.put("cache", state.boot, "bootstrap");
  }
  $("#checkin").hidden = true;
  say(`${gettext("Check-in answered: all OK.")} ${navigator.onLine ? gettext("Sending now.") : gettext("It is sent when there is signal.")}`, "ok");
  await kick();
}

export function setUpCheckins() {
  const box = $("#checkin");
  if (!box) return;
  box.addEventListener("click", (event) => {
    const button = event.target.closest("[data-checkin-ok]");
    if (button) answer(Number(button.dataset.checkinOk));
  });
  setInterval(show, LOOK_MS);
}

/** Look again now (after a bootstrap or a status change). */
export const checkinsChanged = show;
