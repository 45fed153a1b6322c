/* Drawing the board: the queue with countdowns and recommendations, the teams, the map, the detail. */
import { formatNumber, formatTime, zoneName } from "../common/format.js";
import { gettext, interpolate } from "../common/i18n.js";
import { $, actions, activeAssignment, clock, el, flash, now, root, since, state, statusLabel } from "./state.js";


export function sortedIncidents() {
  return [...state.incidents.values()].sort(
    (a, b) => a.priority - b.priority || new Date(a.received_at) - new Date(b.received_at)
  );
}

function countdown(incident) {
  // Once a team reached the scene the target is met or missed: show how long it took instead.
  const arrivals = (incident.assignments || []).map((a) => a.on_scene_at).filter(Boolean).map((x) => new Date(x).getTime());
  if (arrivals.length) {
    const took = (Math.min(...arrivals) - new Date(incident.received_at).getTime()) / 1000;
    const missed = incident.due_at && Math.min(...arrivals) > new Date(incident.due_at).getTime();
    return { text: interpolate(gettext("on scene in %(time)s"), { time: clock(Math.max(0, took)) }), cls: missed ? "late" : "ok" };
  }
  if (!incident.due_at) return { text: gettext("no target"), cls: "ok" };
  const left = (new Date(incident.due_at).getTime() - now()) / 1000;
  const total = (incident.target_minutes || 1) * 60;
  if (left < 0) return { text: interpolate(gettext("LATE %(time)s"), { time: clock(-left) }), cls: "late" };
  return { text: interpolate(gettext("%(time)s left"), { time: clock(left) }), cls: left < total * 0.34 ? "soon" : "ok" };
}

function assignmentChips(incident) {
  return incident.assignments.map((a) => {
    const chips = [el("span", { class: "chip" }, `${a.team_call_sign} · ${statusLabel(a.status)}`)];
    if (a.status === "dispatched" && a.delivered_at) chips.push(el("span", { class: "chip delivered" }, gettext("on tablet")));
    if (a.acknowledged_at || (a.status && a.status !== "dispatched")) chips.push(el("span", { class: "chip acked" }, gettext("acknowledged")));
    if (a.escalated_at && a.status === "dispatched") chips.push(el("span", { class: "chip escalated" }, gettext("NOT ACKNOWLEDGED")));
    return chips;
  });
}

export function availableTeams() {
  return state.teamOrder.map((id) => state.teams.get(id)).filter((team) => team && team.status === "available");
}

const hasActiveTeam = (incident) => (incident.assignments || []).some(activeAssignment);
const stop = (e) => e.stopPropagation();

function recommendButton(incident) {
  const rec = incident.recommended_team;
  const second = hasActiveTeam(incident);
  // The server recommends a second team only when the call type asks for one.
  if (!rec) return second ? null : el("span", { class: "hint" }, gettext("No available team has the needed skills."));
  const known = rec.distance_km !== null && rec.distance_km !== undefined;
  const distance = known ? formatNumber(rec.distance_km, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) : "";
  let text;
  if (second) text = known ? interpolate(gettext("Add %(team)s as a second team (%(km)s km) — recommended"), { team: rec.call_sign, km: distance }) : interpolate(gettext("Add %(team)s as a second team — recommended"), { team: rec.call_sign });
  else text = known ? interpolate(gettext("Assign %(team)s (%(km)s km) — recommended"), { team: rec.call_sign, km: distance }) : interpolate(gettext("Assign %(team)s (distance unknown) — recommended"), { team: rec.call_sign });
  return el("button", {
    type: "button", class: "btn btn-primary", dataset: { assign: rec.id },
    onclick: (e) => { stop(e); actions.assign(incident.id, rec.id); },
  }, text);
}

/** The card's one action: the recommended team, or the screening still to complete. */
function primaryAction(incident) {
  if (incident.screening_complete === false) {
    // Held from dispatch until a call-taker answers the safety questions (or overrides with a reason).
    return el("a", { class: "btn", href: `/intake/screen/?incident=${incident.id}`, onclick: stop },
      gettext("Not yet safe to decide — complete the screening"));
  }
  return recommendButton(incident);
}

function queueItem(incident) {
  const due = countdown(incident);
  const action = primaryAction(incident);
  return el("li", {
    class: `call p${incident.priority}` + (incident.id === state.selected ? " selected" : ""),
    tabindex: "0", dataset: { incident: incident.id },
    "aria-current": incident.id === state.selected ? "true" : null,
    onclick: () => actions.select(incident.id),
    onkeydown: (e) => { if (e.key === "Enter" && e.target === e.currentTarget) actions.select(incident.id); },
  },
    el("div", { class: "row" },
      el("span", { class: "prio" }, `P${incident.priority}`),
      el("span", { class: "ref" }, incident.reference),
      el("span", {}, incident.call_type_name || gettext("Call")),
      el("span", { class: `countdown ${due.cls}`, dataset: { due: incident.id } }, due.text)),
    el("div", { class: "where" }, incident.location_text),
    el("div", { class: "chips" }, el("span", { class: "chip" }, statusLabel(incident.status)), assignmentChips(incident)),
    action ? el("div", { class: "actions" }, action) : null);
}

function renderQueue() {
  const incidents = sortedIncidents();
  $("queue").replaceChildren(...incidents.map(queueItem));
  $("queue-empty").hidden = incidents.length > 0;
  $("queue-count").textContent = `(${formatNumber(incidents.length)})`;
}

/** A team's tablet: when it was last heard from, and a mark once it has been silent too long. */
export function tabletQuiet(team) {
  if (!team.has_tablet) return false;
  if (!team.tablet_seen_at) return true;
  return (now() - new Date(team.tablet_seen_at).getTime()) / 1000 > (state.tabletQuietSeconds || 300);
}

function tabletText(team) {
  if (!team.has_tablet) return gettext("No tablet enrolled");
  if (!team.tablet_seen_at) return gettext("⚠ Tablet never heard from");
  const age = since(team.tablet_seen_at);
  return tabletQuiet(team) ? interpolate(gettext("⚠ Tablet silent for %(time)s"), { time: age })
    : interpolate(gettext("Tablet heard from %(time)s ago"), { time: age });
}

/** The team's on-scene "All OK?" clock: time to the next check-in, or how late it is. */
function checkinText(team) {
  const clockRow = team.current_assignment && team.current_assignment.checkin;
  if (!clockRow || team.current_assignment.status !== "on_scene") return { text: "", cls: "" };
  if (clockRow.overdue_at) return { text: interpolate(gettext("⚠ Check-in overdue by %(time)s"), { time: since(clockRow.due_at) }), cls: "checkin-overdue" };
  const left = (new Date(clockRow.due_at).getTime() - now()) / 1000;
  if (left <= 0) return { text: interpolate(gettext("Check-in due %(time)s ago"), { time: clock(-left) }), cls: "checkin-due" };
  return { text: interpolate(gettext("Next check-in in %(time)s"), { time: clock(left) }), cls: "checkin" };
}

/** A position older than the program's limit is not trusted (greyed; no distance from it). */
function positionStale(team) {
  if (!team.position || !team.position.at) return true;
  return (now() - new Date(team.position.at).getTime()) / 1000 > (state.positionStaleSeconds || 300);
}

function positionText(team) {
  if (!team.position || !team.position.at) return gettext("no position yet");
  const accuracy = team.position.accuracy_m !== null && team.position.accuracy_m !== undefined
    ? interpolate(gettext(" (± %(metres)s m)"), { metres: formatNumber(Math.round(team.position.accuracy_m)) }) : "";
  if (positionStale(team)) return interpolate(gettext("⚠ position %(time)s old"), { time: since(team.position.at) });
  return interpolate(gettext("position %(time)s ago"), { time: since(team.position.at) }) + accuracy;
}

export function renderTeams() {
  $("teams").replaceChildren(
    ...state.teamOrder.map((id, index) => {
      const team = state.teams.get(id);
      const call = team.current_assignment ? interpolate(gettext("on %(call)s"), { call: team.current_assignment.reference }) : gettext("no call");
      return el("li", { class: "team" + (tabletQuiet(team) ? " quiet" : ""), dataset: { team: team.id } },
        el("span", { class: "num" }, index < 9 ? String(index + 1) : ""),
        el("span", {}, el("strong", {}, team.call_sign), " ",
          el("span", { class: `status status-${team.status}` }, statusLabel(team.status)),
          " ", el("span", { dataset: { since: team.id } }, team.status_changed_at ? since(team.status_changed_at) : "—")),
        el("span", { class: "meta" }, `${call} · `, el("span", { class: positionStale(team) ? "position-stale" : "position", dataset: { position: team.id } }, positionText(team))),
        el("span", { class: "tablet", dataset: { tablet: team.id } }, tabletText(team)),
        el("span", { class: checkinText(team).cls, dataset: { checkin: team.id } }, checkinText(team).text));
    })
  );
}

let map = null;
let layer = null;
export function renderMap() {
  if (typeof L === "undefined") return; // the board works without the map
  if (!map) {
    map = L.map("map", { zoomControl: false, attributionControl: true }).setView([39.74, -104.99], 12);
    L.control.zoom({ zoomInTitle: gettext("Zoom in"), zoomOutTitle: gettext("Zoom out") }).addTo(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>'); // Leaflet's own prefix has an English title
    const url = root.dataset.tileUrl;
    if (url) L.tileLayer(url, { maxZoom: 19, attribution: gettext("Map data © OpenStreetMap contributors") }).addTo(map);
    layer = L.layerGroup().addTo(map);
  }
  layer.clearLayers();
  const points = [];
  for (const incident of state.incidents.values()) {
    if (incident.latitude === null || incident.longitude === null) continue;
    const icon = L.divIcon({ className: "map-marker-call", iconSize: [16, 16] });
    L.marker([incident.latitude, incident.longitude], { icon, title: `${incident.reference} P${incident.priority}` })
      .on("click", () => actions.select(incident.id)).addTo(layer);
    points.push([incident.latitude, incident.longitude]);
  }
  for (const team of state.teams.values()) {
    if (!team.position || team.position.latitude === null) continue;
    L.circleMarker([team.position.latitude, team.position.longitude], {
      radius: 9, color: "#0b0c0e", weight: 2, fillOpacity: 0.9,
      fillColor: positionStale(team) ? "#9aa0a6" : team.status === "available" ? "#00703c" : "#0047b3",
    }).bindTooltip(team.call_sign, { permanent: true, direction: "right" }).addTo(layer);
    points.push([team.position.latitude, team.position.longitude]);
  }
  // An emergency not yet resolved: a large red ring where the tablet last was, on top of the rest.
  for (const e of (state.emergencies || new Map()).values()) {
    if (e.latitude === null || e.latitude === undefined) continue;
    L.circleMarker([e.latitude, e.longitude], { radius: 18, color: "#b00020", weight: 5, fillColor: "#ff1744", fillOpacity: 0.45, className: "map-emergency" })
      .bindTooltip(interpolate(gettext("EMERGENCY: %(team)s"), { team: e.call_sign }), { permanent: true, direction: "top" }).addTo(layer);
    points.push([e.latitude, e.longitude]);
  }
  if (points.length && !state.mapFitted) { map.fitBounds(points, { maxZoom: 14, padding: [20, 20] }); state.mapFitted = true; }
}

export function render() { renderQueue(); renderTeams(); renderMap(); }

/** Every second: the countdowns and the time in status move without a redraw. */
export function tick() {
  for (const node of document.querySelectorAll("[data-due]")) {
    const incident = state.incidents.get(Number(node.dataset.due));
    if (!incident) continue;
    const due = countdown(incident);
    node.textContent = due.text;
    node.className = `countdown ${due.cls}`;
  }
  for (const node of document.querySelectorAll("[data-since]")) {
    const team = state.teams.get(Number(node.dataset.since));
    if (team && team.status_changed_at) node.textContent = since(team.status_changed_at);
  }
  for (const node of document.querySelectorAll("[data-tablet]")) {
    const team = state.teams.get(Number(node.dataset.tablet));
    if (!team) continue;
    node.textContent = tabletText(team);
    node.parentNode.classList.toggle("quiet", tabletQuiet(team));
  }
  for (const node of document.querySelectorAll("[data-position]")) {
    const team = state.teams.get(Number(node.dataset.position));
    if (!team) continue;
    node.textContent = positionText(team);
    node.className = positionStale(team) ? "position-stale" : "position";
  }
  for (const node of document.querySelectorAll("[data-checkin]")) {
    const team = state.teams.get(Number(node.dataset.checkin));
    if (!team) continue;
    const shown = checkinText(team);
    node.textContent = shown.text;
    node.className = shown.cls;
  }
}

function teamPicker(label, first) {
  return el("select", { "aria-label": label },
    el("option", { value: "" }, first),
    availableTeams().map((team) => el("option", { value: team.id }, team.call_sign)));
}

/** Acts only with a team chosen; otherwise says so and puts the focus on the list. */
function withTeam(picker, act) {
  return () => {
    if (!picker.value) {
      picker.setAttribute("aria-invalid", "true");
      flash(gettext("Choose a team first."), true);
      picker.focus();
      return;
    }
    picker.removeAttribute("aria-invalid");
    act(Number(picker.value));
  };
}

/** A button that acts on a second press within a few seconds: one slip does nothing, and a
    dispatcher who means it loses half a second, not a dialog. */
export function confirmButton(text, confirmText, act) {
  const node = el("button", { type: "button", class: "btn btn-quiet" }, text);
  let timer = null;
  const disarm = () => { delete node.dataset.armed; node.textContent = text; node.classList.remove("armed"); };
  node.addEventListener("click", (e) => {
    stop(e);
    clearTimeout(timer);
    if (node.dataset.armed) { disarm(); act(); return; }
    node.dataset.armed = "true";
    node.classList.add("armed");
    node.textContent = confirmText;
    timer = setTimeout(disarm, 4000);
  });
  return node;
}

function assignmentControls(a) {
  const button = (text, onclick) => el("button", { type: "button", class: "btn btn-quiet", onclick }, text);
  const picker = teamPicker(interpolate(gettext("Reassign %(team)s to"), { team: a.team_call_sign }), gettext("Reassign to…"));
  return el("li", { dataset: { assignment: a.id } },
    el("strong", {}, a.team_call_sign), `: ${statusLabel(a.status)} `,
    el("span", { class: "controls" },
      button(statusLabel("en_route"), () => actions.setStatus(a.id, "en_route")),
      button(statusLabel("on_scene"), () => actions.setStatus(a.id, "on_scene")),
      confirmButton(gettext("Clear"), interpolate(gettext("Press again to clear %(team)s"), { team: a.team_call_sign }),
        () => actions.setStatus(a.id, "cleared")),
      button(gettext("Cancel"), () => actions.cancel(a.id))),
    el("span", { class: "controls" }, picker,
      button(gettext("Reassign"), withTeam(picker, (team) => actions.reassign(a.id, team)))));
}

export function detailPanel(incident) {
  const active = (incident.assignments || []).filter(activeAssignment);
  const picker = teamPicker(interpolate(gettext("Team for %(call)s"), { call: incident.reference }), gettext("Choose team…"));
  return [
    el("h3", {}, `${incident.reference} · P${incident.priority} · ${incident.call_type_name || gettext("Call")}`),
    el("p", {}, el("strong", {}, incident.location_text)),
    el("p", {}, incident.summary),
    incident.safety_notes ? el("p", { class: "notice error" }, interpolate(gettext("Safety: %(notes)s"), { notes: incident.safety_notes })) : null,
    el("h4", {}, gettext("Teams on this call")),
    active.length ? el("ul", { class: "assignments" }, active.map(assignmentControls)) : el("p", { class: "empty" }, gettext("No team yet.")),
    el("div", { class: "assign-other" }, picker,
      el("button", { type: "button", class: "btn", dataset: { assignChosen: incident.id },
        onclick: withTeam(picker, (team) => actions.assign(incident.id, team)) }, gettext("Assign"))),
    el("h4", {}, interpolate(gettext("Timeline (times in %(zone)s)"), { zone: zoneName() })),
    el("ol", { class: "timeline" }, (incident.timeline || []).map((entry) =>
      el("li", {}, el("time", { datetime: entry.at }, formatTime(entry.at)), " ", entry.text))),
  ].filter(Boolean);
}
