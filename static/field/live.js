/* Live events update the tablet's store record by record (issue 20): an event either carries the
   whole change (team status, check-in clock, co-response) or names the one assignment or encounter
   to fetch (GET /api/v1/field/assignments/<id>/, /encounters/<id>/). So a tablet's traffic per event
   is one small answer at most, whatever the size of its working set; the whole working set
   (bootstrap) is fetched only at start, after `resync`, after a long gap, or when one burst of
   events names more records than it is worth fetching one by one. */
import { announceNewCalls, settleNewCalls } from "./newcall.js";
import { checkinsChanged } from "./checkin.js";
import { api, handleOutcome, refreshBootstrap } from "./net.js";
import { render, S, state } from "./state.js";

/** Events a moment apart (a replay after a short gap) are fetched together, each record once. */
const GATHER_MS = 150;
/** Past this many records named in one burst, the whole working set is one request instead. */
const RECORDS_MAX = 10;

const wanted = { assignments: new Set(), encounters: new Set() };
let timer = null;

function want(kind, id) {
  if (id === undefined || id === null) return;
  wanted[kind].add(String(id));
  clearTimeout(timer);
  timer = setTimeout(() => { fetchWanted().catch(() => {}); }, GATHER_MS);
}

const boot = () => state.boot;

function keep() {
  return S.put("cache", state.boot, "bootstrap").catch(() => {}); // locked or erased meanwhile: the next bootstrap repairs
}

/** Put one assignment (with its call, clock, co-responses and premise history) into the working set. */
function mergeAssignment(body) {
  const b = boot();
  const a = body.assignment;
  const index = b.assignments.findIndex((x) => x.id === a.id);
  if (index >= 0) b.assignments[index] = a;
  else b.assignments.push(a);
  const call = String(a.incident);
  b.premise_history = b.premise_history || {};
  if (body.premise_history) b.premise_history[call] = body.premise_history;
  b.co_responses = b.co_responses || {};
  if (body.co_responses && body.co_responses.length) b.co_responses[call] = body.co_responses;
  b.checkins = b.checkins || {};
  if (body.checkin) b.checkins[String(a.id)] = body.checkin;
  else delete b.checkins[String(a.id)];
}

async function fetchOne(path) {
  let answer;
  try { answer = await api(`${path}?device=${encodeURIComponent(state.device || "")}`); } catch (error) { return null; }
  if (answer.status === 401 || answer.status === 403) { await handleOutcome({ state: answer.body.code || "not_authenticated" }); return null; }
  return answer;
}

async function fetchWanted() {
  const assignments = [...wanted.assignments];
  const encounters = [...wanted.encounters];
  wanted.assignments.clear();
  wanted.encounters.clear();
  if (!assignments.length && !encounters.length) return;
  if (state.stopped || !state.user || state.locked || !boot()) return;
  if (assignments.length + encounters.length > RECORDS_MAX) { await refreshBootstrap(); return; }
  const fresh = [];
  for (const id of assignments) {
    const answer = await fetchOne(`/api/v1/field/assignments/${id}/`);
    if (!answer) return;
    if (answer.status === 404) { boot().assignments = boot().assignments.filter((a) => String(a.id) !== id); continue; }
    if (!answer.ok) continue;
    const known = state.knownAssignments && state.knownAssignments.has(answer.body.assignment.id);
    mergeAssignment(answer.body);
    if (!known && answer.body.assignment.active) fresh.push(answer.body.assignment);
  }
  if (assignments.length) await keep();
  const queued = encounters.length ? new Set((await S.outboxAll()).map((m) => m.record)) : new Set();
  for (const id of encounters) {
    if (queued.has(id)) continue; // the responder's own changes wait to be sent: theirs stays on screen
    const answer = await fetchOne(`/api/v1/field/encounters/${id}/`);
    if (!answer) return;
    if (answer.ok) await S.put("encounters", { ...answer.body, pending: false });
  }
  if (encounters.length) state.encounters = await S.all("encounters");
  if (fresh.length && state.knownAssignments !== null) announceNewCalls(fresh);
  else settleNewCalls();
  if (state.knownAssignments) for (const a of boot().assignments) state.knownAssignments.add(a.id);
  document.body.dataset.liveRecords = String(Number(document.body.dataset.liveRecords || 0) + assignments.length + encounters.length);
  if (state.view !== "form") render();
}

function assignmentNamed(data) {
  return (boot().assignments || []).find((a) => a.id === data.assignment);
}

/** Apply one event of the team's or the user's stream to the store. */
export async function applyLive(frame) {
  const data = frame.data || {};
  const kind = frame.kind;
  if (!boot()) return;
  if (kind === "team.status") {
    if (boot().team && boot().team.id === data.team) { boot().team.status = data.status; await keep(); render(); }
  } else if (kind.startsWith("assignment.")) {
    const mine = assignmentNamed(data);
    // Already as new here (the tablet's own change, echoed back): nothing to fetch.
    if (!mine || data.version === undefined || mine.version < data.version) want("assignments", data.assignment);
  } else if (kind.startsWith("incident.")) {
    const mine = (boot().assignments || []).find((a) => a.incident === data.incident);
    if (mine) want("assignments", mine.id);
  } else if (kind === "encounter.recorded" || kind === "encounter.note_added") {
    const local = (state.encounters || []).find((e) => e.id === data.encounter);
    const known = local && (kind === "encounter.recorded" ? local.version >= data.version : (local.notes || []).some((n) => n.id === data.note));
    if (!known) want("encounters", data.encounter);
  } else if (kind.startsWith("checkin.")) {
    boot().checkins = { ...(boot().checkins || {}), [String(data.assignment)]: { ...data } };
    await keep();
    checkinsChanged();
  } else if (kind.startsWith("co_response.")) {
    const all = boot().co_responses || {};
    const rows = (all[String(data.incident)] || []).filter((r) => r.id !== data.id);
    rows.push({ ...data });
    rows.sort((x, y) => String(x.requested_at).localeCompare(String(y.requested_at)));
    boot().co_responses = { ...all, [String(data.incident)]: rows };
    await keep();
    if (state.view !== "form") render();
  } else if (kind === "encounter.form_published") {
    // A new version of the program's questions (questions.js): rare, so the working set brings it.
    const form = boot().encounter_form;
    if (!form || form.id !== data.form_version) await refreshBootstrap();
  }
}
