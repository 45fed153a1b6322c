/* The dispatcher's live board.
 *
 * Starts from GET /api/v1/board/ (a snapshot with the board stream's `seq`), then follows the
 * `board` stream over /ws/v1/stream/ from that cursor, so a reload is never needed. Events are
 * applied at once for what they carry (status, position), and the few rows they change beyond that
 * (a new call, a recommendation) are fetched alone (rows.js); the snapshot again only after
 * `resync` or a dropped connection. The stream client (static/common/stream.js) resumes from the last seq
 * seen, with backoff and jitter, and a banner says so while it is down.
 * No build step, no framework: plain DOM.
 */
import { refusalText, request } from "../common/api.js";
import { configureFormat } from "../common/format.js";
import { gettext, interpolate, loadCatalog, pageLanguage } from "../common/i18n.js";
import { streamClient } from "../common/stream.js";
import { $, actions, el, flash, root, say, state, statusLabel } from "./state.js";
import { applyEmergencyEvent, setEmergencies } from "./emergency.js";
import { applyCoResponseEvent, coResponseSection } from "./coresponse.js";
import { premiseSection } from "./premise.js";
import { rowsFor, setUpRows, wantRows } from "./rows.js";
import { beep } from "./sound.js";
import { detailPanel, render, renderMap, renderTeams, sortedIncidents, tick } from "./view.js";

const SIGN_IN = "/accounts/login/?next=/board/";

async function api(method, url, body) {
  const answer = await request(url, { method, body });
  if (answer.status === 401) { window.location.href = SIGN_IN; throw new Error(gettext("Signed out.")); }
  if (!answer.ok) throw new Error(refusalText(answer.body, interpolate(gettext("Request failed (%(status)s)."), { status: answer.status })));
  return answer.body;
}

// --- sound and alerts --------------------------------------------------------------------------
function alertPriorityOne(incident) {
  const call = incident.reference || interpolate(gettext("Call %(id)s"), { id: incident.id });
  $("p1-text").textContent = `${call} — ${incident.location_text || ""}`;
  $("p1-alert").hidden = false;
  document.title = `⚠ P1 · ${gettext("Dispatch board")}`;
  beep();
}
function dismissAlert() { $("p1-alert").hidden = true; document.title = gettext("Dispatch board"); }
$("p1-dismiss").addEventListener("click", dismissAlert);

// --- snapshot ----------------------------------------------------------------------------------
async function loadSnapshot() {
  const snapshot = await api("GET", "/api/v1/board/");
  state.clockSkew = new Date(snapshot.server_time).getTime() - Date.now();
  state.targets = snapshot.response_targets || {};
  state.tabletQuietSeconds = snapshot.tablet_quiet_seconds;
  state.positionStaleSeconds = snapshot.position_stale_seconds;
  state.incidents = new Map(snapshot.incidents.map((i) => [i.id, i]));
  state.teams = new Map(snapshot.teams.map((team) => [team.id, team]));
  state.teamOrder = snapshot.teams.map((team) => team.id);
  setEmergencies(snapshot.emergencies || []);
  state.seq = snapshot.seq;
  if (state.cursor === null) state.cursor = snapshot.seq;
  if (state.selected !== null && !state.incidents.has(state.selected)) state.selected = null;
  if (state.selected === null && snapshot.incidents.length) state.selected = snapshot.incidents[0].id;
  state.lastRefresh = Date.now();
  root.dataset.snapshots = String(Number(root.dataset.snapshots || 0) + 1);
  render();
  return snapshot;
}
const live = () => !!(state.stream && state.stream.live);
function scheduleRefresh() {
  clearTimeout(state.refreshTimer);
  const wait = Math.max(250, 1000 - (Date.now() - state.lastRefresh));
  state.refreshTimer = setTimeout(() => loadSnapshot().catch((e) => flash(e.message, true)), wait);
}

// --- the stream --------------------------------------------------------------------------------
function banner(text) {
  $("conn-banner").textContent = text;
  $("conn-banner").hidden = !text;
}

function follow() {
  state.stream = streamClient({
    cursors: () => ({ board: state.cursor || 0 }),
    ackDelay: 1000,
    onLive: (live) => {
      root.dataset.stream = live ? "live" : "down";
      if (live) {
        banner("");
        // Back after a drop: the replay brings the events, but not what the server announces only
        // now and then (a team's newest position): the snapshot once, as at start.
        if (state.hadOutage) { state.hadOutage = false; scheduleRefresh(); say(gettext("Connection restored.")); }
      }
    },
    onEvent: (frame) => {
      if (frame.stream !== "board" || frame.seq <= state.cursor) return true;
      state.cursor = frame.seq;
      applyEvent(frame);
      return true;
    },
    onResync: (frame) => {
      if (frame.stream !== "board") return;
      state.cursor = frame.seq;
      loadSnapshot().catch((e) => flash(e.message, true));
    },
    onClose: (code) => {
      if (code === 4401 || code === 4410) { window.location.href = SIGN_IN; return true; }
      if (code === 4403) {
        state.stream.stop();
        banner(gettext("You may not follow the board. Sign in as a dispatcher."));
        return true;
      }
      state.hadOutage = true;
      banner(gettext("Connection lost — reconnecting…"));
      return false;
    },
  });
  state.stream.connect();
}

function applyAssignmentEvent(event, data, incident) {
  if (incident) {
    let row = incident.assignments.find((a) => a.id === data.assignment);
    if (!row && event.kind === "assignment.created") {
      const team = state.teams.get(data.team);
      row = { id: data.assignment, team: data.team, team_call_sign: team ? team.call_sign : "", dispatched_at: event.at };
      incident.assignments.push(row);
    }
    if (row) {
      row.status = data.status || row.status;
      if (event.kind === "assignment.escalated") row.escalated_at = data.escalated_at || event.at;
      if (event.kind === "assignment.delivered") row.delivered_at = data.delivered_at || event.at;
      if (event.kind === "assignment.acknowledged") row.acknowledged_at = event.at;
    }
    incident.assignments = incident.assignments.filter((a) => !["cleared", "cancelled"].includes(a.status));
  }
  if (event.kind === "assignment.escalated") {
    const team = state.teams.get(data.team);
    flash(team ? interpolate(gettext("%(team)s has not acknowledged its call."), { team: team.call_sign }) : gettext("A team has not acknowledged its call."), true);
    beep();
  }
}

/** A team's check-in clock moved on (answered) or ran out (overdue: alert like an unacknowledged call). */
function applyCheckinEvent(event, data) {
  const team = state.teams.get(data.team);
  if (team && team.current_assignment && team.current_assignment.id === data.assignment) {
    team.current_assignment.checkin = { ...(team.current_assignment.checkin || {}), ...data };
  }
  if (event.kind === "checkin.overdue") {
    flash(team ? interpolate(gettext("%(team)s has not answered its check-in. Call them on the radio."), { team: team.call_sign })
      : gettext("A team has not answered its check-in. Call them on the radio."), true);
    beep();
  }
  renderTeams();
}

function applyEvent(event) {
  const data = event.data || {};
  const incident = data.incident !== undefined ? state.incidents.get(data.incident) : null;
  if (event.kind === "incident.created" && data.priority === 1) {
    // Fetch the call for the alert text; the alert itself must not wait for the network.
    alertPriorityOne({ id: data.incident });
    api("GET", `/api/v1/incidents/${data.incident}/`).then((full) => alertPriorityOne(full)).catch(() => {});
  } else if (event.kind === "incident.updated" && incident) {
    incident.status = data.status; incident.priority = data.priority;
    if (data.screening_complete !== undefined) incident.screening_complete = data.screening_complete;
  } else if (event.kind.startsWith("assignment.")) {
    applyAssignmentEvent(event, data, incident);
  } else if (event.kind === "team.status") {
    const team = state.teams.get(data.team);
    if (team) { team.status = data.status; team.status_changed_at = data.status_changed_at; }
  } else if (event.kind.startsWith("checkin.")) {
    applyCheckinEvent(event, data);
    return;
  } else if (event.kind.startsWith("co_response.")) {
    // Complete in the event: only the open call's detail changes.
    if (applyCoResponseEvent(event) && state.selected === data.incident) loadDetail(state.selected, true);
    return;
  } else if (event.kind.startsWith("emergency.")) {
    applyEmergencyEvent(event);
    return; // complete in the event
  } else if (event.kind === "team.position") {
    const team = state.teams.get(data.team);
    if (team) team.position = { latitude: data.latitude, longitude: data.longitude, accuracy_m: data.accuracy_m, at: data.at };
    renderTeams(); renderMap();
    return; // positions are complete in the event
  }
  render();
  const rows = rowsFor(event);
  if (rows === null) scheduleRefresh();
  else wantRows(rows);
  if (state.selected !== null && data.incident === state.selected) loadDetail(state.selected, true);
}

// --- detail panel ------------------------------------------------------------------------------
async function loadDetail(id, quiet) {
  const box = $("detail");
  if (!quiet) box.replaceChildren(el("p", { class: "empty" }, gettext("Loading…")));
  let incident;
  try { incident = await api("GET", `/api/v1/incidents/${id}/`); } catch (e) { box.replaceChildren(el("p", { class: "empty" }, e.message)); return; }
  if (state.selected !== id) return;
  box.replaceChildren(...detailPanel(incident));
  const [coResponses, premise] = await Promise.all([coResponseSection(id, !quiet, () => loadDetail(id, true)), premiseSection(id, !quiet)]);
  if (state.selected === id && box.isConnected) box.append(...coResponses, ...premise);
}

// --- actions -----------------------------------------------------------------------------------
function run(promise, done) {
  // With the stream live, what the action changed comes back as events.
  return promise.then(() => { flash(done); if (!live()) scheduleRefresh(); }).catch((e) => flash(e.message, true));
}
Object.assign(actions, {
  select(id) {
    state.selected = id;
    render();
    const node = document.querySelector(`[data-incident="${id}"]`);
    if (node) node.focus({ preventScroll: false });
    loadDetail(id);
  },
  assign(incidentId, teamId) {
    const team = state.teams.get(teamId);
    const done = team ? interpolate(gettext("%(team)s assigned."), { team: team.call_sign }) : gettext("Team assigned.");
    return run(api("POST", `/api/v1/incidents/${incidentId}/assignments/`, { team: teamId }), done);
  },
  setStatus(assignmentId, status) {
    return run(api("POST", `/api/v1/assignments/${assignmentId}/status/`, { status }), interpolate(gettext("Status: %(status)s."), { status: statusLabel(status) }));
  },
  cancel(assignmentId) {
    const reason = window.prompt(gettext("Why is the team taken off this call?"));
    if (!reason) return;
    return run(api("POST", `/api/v1/assignments/${assignmentId}/cancel/`, { reason }), gettext("Team taken off the call."));
  },
  reassign(assignmentId, teamId) {
    const body = { team: teamId, reason: gettext("Reassigned from the board") };
    const team = state.teams.get(teamId);
    const done = team ? interpolate(gettext("Reassigned to %(team)s."), { team: team.call_sign }) : gettext("Reassigned.");
    return run(api("POST", `/api/v1/board/assignments/${assignmentId}/reassign/`, body), done);
  },
});

function selectedFirstAssignment() {
  const incident = state.incidents.get(state.selected);
  return incident && incident.assignments.length ? incident.assignments[0] : null;
}

let clearArmed = null;
document.addEventListener("keydown", (e) => {
  const tag = (e.target && e.target.tagName) || "";
  if (["INPUT", "SELECT", "TEXTAREA"].includes(tag) || e.ctrlKey || e.metaKey || e.altKey) return;
  const list = sortedIncidents();
  const index = list.findIndex((i) => i.id === state.selected);
  if (e.key === "j" || e.key === "k") {
    if (!list.length) return;
    const next = e.key === "j" ? Math.min(list.length - 1, index + 1) : Math.max(0, index - 1);
    actions.select(list[next].id);
  } else if (e.key === "a") {
    const incident = state.incidents.get(state.selected);
    if (incident && incident.recommended_team) actions.assign(incident.id, incident.recommended_team.id);
    else flash(gettext("No recommended team for this call."), true);
  } else if (/^[1-9]$/.test(e.key)) {
    const teamId = state.teamOrder[Number(e.key) - 1];
    if (state.selected !== null && teamId) actions.assign(state.selected, teamId);
  } else if (e.key === "c") {
    // Clearing ends the team's part in the call: the key is pressed twice, as the button is.
    const assignment = selectedFirstAssignment();
    if (!assignment) return;
    if (clearArmed === assignment.id) { clearArmed = null; actions.setStatus(assignment.id, "cleared"); }
    else {
      clearArmed = assignment.id;
      setTimeout(() => { if (clearArmed === assignment.id) clearArmed = null; }, 4000);
      flash(interpolate(gettext("Press c again to clear %(team)s."), { team: assignment.team_call_sign }));
    }
  } else if (e.key === "e" || e.key === "o") {
    const assignment = selectedFirstAssignment();
    if (assignment) actions.setStatus(assignment.id, { e: "en_route", o: "on_scene" }[e.key]);
  } else if (e.key === "x") {
    const assignment = selectedFirstAssignment();
    if (assignment) actions.cancel(assignment.id);
  } else if (e.key === "?") {
    document.querySelector(".help").classList.toggle("hidden-help");
  } else if (e.key === "Escape") {
    dismissAlert();
  } else {
    return;
  }
  e.preventDefault();
});

// --- start -------------------------------------------------------------------------------------
async function start() {
  window.firstlineBoard = state;
  await loadCatalog(pageLanguage());
  configureFormat({ timeZone: root.dataset.timeZone });
  setInterval(tick, 1000);
  setUpRows({
    api,
    render,
    snapshot: () => loadSnapshot().catch((e) => flash(e.message, true)),
    waiting: () => sortedIncidents().filter((i) => !i.assignments.length).map((i) => i.id),
  });
  try {
    await loadSnapshot();
  } catch (e) {
    flash(e.message, true);
    setTimeout(() => window.location.reload(), 10000);
    return;
  }
  if (state.selected !== null) loadDetail(state.selected);
  follow();
}

if (root) start();
