/* Drawing the board: the queue with countdowns and recommendations, the teams, the map, the detail. */
import { formatNumber, formatTime } from "../common/format.js";
import { gettext, interpolate } from "../common/i18n.js";
import { $, actions, activeAssignment, clock, el, now, root, since, state, statusLabel } from "./state.js";


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
  if (!rec) return el("span", { class: "hint" }, gettext("No available team has the needed skills."));
  const second = hasActiveTeam(incident);
  const known = rec.distance_km !== null && rec.distance_km !== undefined;
  const distance = known ? formatNumber(rec.distance_km, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) : "";
  let text;
  if (second) text = known ? interpolate(gettext("Add %(team)s as a second team (%(km)s km) — recommended"), { team: rec.call_sign, km: distance }) : interpolate(gettext("Add %(team)s as a second team — recommended"), { team: rec.call_sign });
  else text = known ? interpolate(gettext("Assign %(team)s (%(km)s km) — recommended"), { team: rec.call_sign, km: distance }) : interpolate(gettext("Assign %(team)s — recommended"), { team: rec.call_sign });
  // A call that already has a team gets a plain button, so a second team is a choice, not a reflex.
  return el("button", {
    type: "button", class: second ? "btn" : "btn btn-primary", dataset: { assign: rec.id },
    onclick: (e) => { stop(e); actions.assign(incident.id, rec.id); },
  }, text);
}

function queueItem(incident) {
  const due = countdown(incident);
  const picker = el("select", { "aria-label": interpolate(gettext("Team for %(call)s"), { call: incident.reference }), onclick: stop },
    el("option", { value: "" }, gettext("Choose team…")),
    availableTeams().map((team) => el("option", { value: team.id }, team.call_sign)));
  return el("li", {
    class: `call p${incident.priority}` + (incident.id === state.selected ? " selected" : ""),
    tabindex: "0", dataset: { incident: incident.id },
    "aria-selected": incident.id === state.selected ? "true" : "false",
    onclick: () => actions.select(incident.id),
    onkeydown: (e) => { if (e.key === "Enter") actions.select(incident.id); },
  },
    el("div", { class: "row" },
      el("span", { class: "prio" }, `P${incident.priority}`),
      el("span", { class: "ref" }, incident.reference),
      el("span", {}, incident.call_type_name || gettext("Call")),
      el("span", { class: `countdown ${due.cls}`, dataset: { due: incident.id } }, due.text)),
    el("div", { class: "where" }, incident.location_text),
    el("div", { class: "chips" }, el("span", { class: "chip" }, statusLabel(incident.status)), assignmentChips(incident)),
    incident.screening_complete === false ? el("div", { class: "actions" },
      // Held from dispatch until a call-taker answers the safety questions (or overrides with a reason).
      el("a", { class: "btn", href: `/intake/screen/?incident=${incident.id}`, onclick: stop },
        gettext("Not yet safe to decide — complete the screening"))) :
      el("div", { class: "actions" }, recommendButton(incident), picker,
        el("button", { type: "button", class: "btn", onclick: (e) => { stop(e); if (picker.value) actions.assign(incident.id, Number(picker.value)); } }, gettext("Assign"))));
}

function renderQueue() {
  const incidents = sortedIncidents();
  $("queue").replaceChildren(...incidents.map(queueItem));
  $("queue-empty").hidden = incidents.length > 0;
  $("queue-count").textContent = `(${formatNumber(incidents.length)})`;
}

export function renderTeams() {
  $("teams").replaceChildren(
    ...state.teamOrder.map((id, index) => {
      const team = state.teams.get(id);
      const call = team.current_assignment ? interpolate(gettext("on %(call)s"), { call: team.current_assignment.reference }) : gettext("no call");
      const pos = team.position && team.position.at ? interpolate(gettext("position %(time)s ago"), { time: since(team.position.at) }) : gettext("no position yet");
      return el("li", { class: "team", dataset: { team: team.id } },
        el("span", { class: "num" }, index < 9 ? String(index + 1) : ""),
        el("span", {}, el("strong", {}, team.call_sign), " ",
          el("span", { class: `status status-${team.status}` }, statusLabel(team.status)),
          " ", el("span", { dataset: { since: team.id } }, team.status_changed_at ? since(team.status_changed_at) : "—")),
        el("span", { class: "meta" }, `${call} · ${pos}`));
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
      radius: 9, color: "#0b0c0e", weight: 2, fillColor: team.status === "available" ? "#00703c" : "#0047b3", fillOpacity: 0.9,
    }).bindTooltip(team.call_sign, { permanent: true, direction: "right" }).addTo(layer);
    points.push([team.position.latitude, team.position.longitude]);
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
}

function reassignPicker(assignment) {
  const picker = el("select", { "aria-label": interpolate(gettext("Reassign %(team)s to"), { team: assignment.team_call_sign }) },
    el("option", { value: "" }, gettext("Reassign to…")),
    availableTeams().map((team) => el("option", { value: team.id }, team.call_sign)));
  picker.addEventListener("change", () => { if (picker.value) actions.reassign(assignment.id, Number(picker.value)); });
  return picker;
}

export function detailPanel(incident) {
  const active = (incident.assignments || []).filter(activeAssignment);
  const button = (text, onclick) => el("button", { type: "button", class: "btn btn-quiet", onclick }, text);
  return [
    el("h3", {}, `${incident.reference} · P${incident.priority} · ${incident.call_type_name || gettext("Call")}`),
    el("p", {}, el("strong", {}, incident.location_text)),
    el("p", {}, incident.summary),
    incident.safety_notes ? el("p", { class: "notice error" }, interpolate(gettext("Safety: %(notes)s"), { notes: incident.safety_notes })) : null,
    el("h4", {}, gettext("Teams on this call")),
    active.length ? el("ul", {}, active.map((a) => el("li", {},
      `${a.team_call_sign}: ${statusLabel(a.status)} `,
      button(statusLabel("en_route"), () => actions.setStatus(a.id, "en_route")),
      button(statusLabel("on_scene"), () => actions.setStatus(a.id, "on_scene")),
      button(gettext("Clear"), () => actions.setStatus(a.id, "cleared")),
      button(gettext("Cancel"), () => actions.cancel(a.id)),
      reassignPicker(a)))) : el("p", { class: "empty" }, gettext("No team yet.")),
    el("h4", {}, gettext("Timeline")),
    el("ol", { class: "timeline" }, (incident.timeline || []).map((entry) =>
      el("li", {}, el("time", { datetime: entry.at }, formatTime(entry.at)), " ", entry.text))),
  ].filter(Boolean);
}
