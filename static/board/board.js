/* The dispatcher's live board.
 *
 * Starts from GET /api/v1/board/ (a snapshot with the board stream's `seq`), then follows the
 * `board` stream over /ws/v1/stream/ from that cursor, so a reload is never needed. Events are
 * applied at once for what they carry (status, position) and a debounced snapshot refresh fills in
 * what they do not (recommendations, targets). The connection resumes from the last seq seen,
 * with exponential backoff and jitter, and a banner says so while it is down.
 * No build step, no framework: plain DOM.
 */
(function () {
  "use strict";

  const root = document.getElementById("board");
  if (!root) return;

  const STATUS_LABELS = {
    available: "Available", assigned: "Assigned", en_route: "En route", on_scene: "On scene",
    transporting: "Transporting", at_destination: "At destination", out_of_service: "Out of service",
    off_duty: "Off duty", dispatched: "Dispatched", acknowledged: "Acknowledged", cleared: "Cleared",
    cancelled: "Cancelled", pending: "Waiting for a team",
  };
  const state = {
    incidents: new Map(), teams: new Map(), teamOrder: [], targets: {}, seq: 0, cursor: null,
    selected: null, socket: null, attempts: 0, connected: false, refreshTimer: null,
    lastRefresh: 0, lastMessageAt: 0, ackTimer: null, acked: 0, clockSkew: 0, stopped: false,
  };
  window.firstlineBoard = state;

  // --- helpers -----------------------------------------------------------------------------------
  const $ = (id) => document.getElementById(id);
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  async function api(method, url, body) {
    const options = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.headers["X-CSRFToken"] = csrfToken();
      options.body = JSON.stringify(body);
    }
    const response = await fetch(url, options);
    if (response.status === 401) { window.location.href = "/accounts/login/?next=/board/"; throw new Error("signed out"); }
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    if (!response.ok) {
      const detail = data.detail || Object.values(data).flat().join(" ") || `Request failed (${response.status}).`;
      throw new Error(detail);
    }
    return data;
  }
  function now() { return Date.now() + state.clockSkew; }
  function clock(seconds) {
    const s = Math.max(0, Math.floor(Math.abs(seconds)));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    const mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? `${h}:` : "") + `${mm}:${String(r).padStart(2, "0")}`;
  }
  function flash(message, isError) {
    const box = $("flash");
    box.textContent = message;
    box.className = "flash" + (isError ? " error" : "");
    clearTimeout(flash.timer);
    flash.timer = setTimeout(() => { box.textContent = ""; }, 6000);
  }
  function say(message) { $("live-status").textContent = message; }

  // --- sound and alerts --------------------------------------------------------------------------
  let audio = null;
  function unlockAudio() {
    if (audio) return;
    try { audio = new (window.AudioContext || window.webkitAudioContext)(); } catch (e) { audio = null; }
  }
  document.addEventListener("pointerdown", unlockAudio, { once: true });
  document.addEventListener("keydown", unlockAudio, { once: true });
  function beep() {
    if (!audio) unlockAudio();
    if (!audio) return;
    if (audio.state === "suspended") audio.resume();
    [0, 0.35].forEach((offset) => {
      const osc = audio.createOscillator(), gain = audio.createGain();
      osc.type = "square";
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.2, audio.currentTime + offset);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + offset + 0.3);
      osc.connect(gain).connect(audio.destination);
      osc.start(audio.currentTime + offset);
      osc.stop(audio.currentTime + offset + 0.3);
    });
  }
  function alertPriorityOne(incident) {
    $("p1-text").textContent = incident ? `${incident.reference || "Call " + incident.id} — ${incident.location_text || ""}` : "";
    $("p1-alert").hidden = false;
    document.title = "⚠ P1 · Dispatch board";
    beep();
  }
  function dismissAlert() { $("p1-alert").hidden = true; document.title = "Dispatch board"; }
  $("p1-dismiss").addEventListener("click", dismissAlert);

  // --- snapshot ----------------------------------------------------------------------------------
  async function loadSnapshot() {
    const snapshot = await api("GET", "/api/v1/board/");
    state.clockSkew = new Date(snapshot.server_time).getTime() - Date.now();
    state.targets = snapshot.response_targets || {};
    state.incidents = new Map(snapshot.incidents.map((i) => [i.id, i]));
    state.teams = new Map(snapshot.teams.map((t) => [t.id, t]));
    state.teamOrder = snapshot.teams.map((t) => t.id);
    state.seq = snapshot.seq;
    if (state.cursor === null) state.cursor = snapshot.seq;
    if (state.selected !== null && !state.incidents.has(state.selected)) state.selected = null;
    if (state.selected === null && snapshot.incidents.length) state.selected = snapshot.incidents[0].id;
    state.lastRefresh = Date.now();
    render();
    return snapshot;
  }
  function scheduleRefresh() {
    clearTimeout(state.refreshTimer);
    const wait = Math.max(250, 1000 - (Date.now() - state.lastRefresh));
    state.refreshTimer = setTimeout(() => loadSnapshot().catch((e) => flash(e.message, true)), wait);
  }

  // --- the stream --------------------------------------------------------------------------------
  function connect() {
    if (state.stopped) return;
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${window.location.host}/ws/v1/stream/`);
    state.socket = socket;
    socket.onopen = () => {
      socket.send(JSON.stringify({ type: "hello", cursors: { board: state.cursor || 0 } }));
    };
    socket.onmessage = (message) => {
      state.lastMessageAt = Date.now();
      let data;
      try { data = JSON.parse(message.data); } catch (e) { return; }
      if (data.type === "welcome") {
        state.connected = true;
        state.attempts = 0;
        $("conn-banner").hidden = true;
        root.dataset.stream = "live";
        if (state.hadOutage) { state.hadOutage = false; scheduleRefresh(); say("Connection restored."); }
      } else if (data.type === "event" && data.stream === "board") {
        if (data.seq <= state.cursor) return;
        state.cursor = data.seq;
        applyEvent(data);
        scheduleAck();
      } else if (data.type === "resync" && data.stream === "board") {
        state.cursor = data.seq;
        loadSnapshot().catch((e) => flash(e.message, true));
      } else if (data.type === "ping") {
        socket.send(JSON.stringify({ type: "pong" }));
      }
    };
    socket.onclose = (event) => {
      state.connected = false;
      root.dataset.stream = "down";
      if (state.socket !== socket) return;
      if (event.code === 4401 || event.code === 4410) {
        window.location.href = "/accounts/login/?next=/board/";
        return;
      }
      if (event.code === 4403) {
        state.stopped = true;
        $("conn-banner").textContent = "You may not follow the board. Sign in as a dispatcher.";
        $("conn-banner").hidden = false;
        return;
      }
      state.hadOutage = true;
      $("conn-banner").textContent = "Connection lost — reconnecting…";
      $("conn-banner").hidden = false;
      const base = Math.min(30000, 1000 * 2 ** state.attempts);
      const delay = base / 2 + Math.random() * (base / 2); // jitter so every board does not return at once
      state.attempts += 1;
      setTimeout(connect, delay);
    };
  }
  function scheduleAck() {
    if (state.ackTimer) return;
    state.ackTimer = setTimeout(() => {
      state.ackTimer = null;
      if (state.socket && state.socket.readyState === WebSocket.OPEN && state.cursor > state.acked) {
        state.socket.send(JSON.stringify({ type: "ack", stream: "board", seq: state.cursor }));
        state.acked = state.cursor;
      }
    }, 1000);
  }
  // A connection that hears nothing (not even a ping) for too long is dead even if the OS thinks not.
  setInterval(() => {
    if (state.connected && state.lastMessageAt && Date.now() - state.lastMessageAt > 75000 && state.socket) {
      state.socket.close();
    }
  }, 5000);

  function applyEvent(event) {
    const data = event.data || {};
    const incident = data.incident !== undefined ? state.incidents.get(data.incident) : null;
    switch (event.kind) {
      case "incident.created":
        if (data.priority === 1) {
          // Fetch the call for the alert text; the alert itself must not wait for the network.
          alertPriorityOne({ id: data.incident, reference: `Call ${data.incident}` });
          api("GET", `/api/v1/incidents/${data.incident}/`).then((full) => alertPriorityOne(full)).catch(() => {});
        }
        break;
      case "incident.updated":
        if (incident) {
          incident.status = data.status; incident.priority = data.priority;
          if (data.screening_complete !== undefined) incident.screening_complete = data.screening_complete;
        }
        break;
      case "assignment.created":
      case "assignment.acknowledged":
      case "assignment.status":
      case "assignment.escalated":
      case "assignment.delivered": {
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
          flash(`${team ? team.call_sign : "A team"} has not acknowledged its call.`, true);
          beep();
        }
        break;
      }
      case "team.status": {
        const team = state.teams.get(data.team);
        if (team) { team.status = data.status; team.status_changed_at = data.status_changed_at; }
        break;
      }
      case "team.position": {
        const team = state.teams.get(data.team);
        if (team) team.position = { latitude: data.latitude, longitude: data.longitude, at: data.at };
        renderTeams(); renderMap();
        return; // positions are complete in the event; no refresh
      }
      default:
        break;
    }
    render();
    scheduleRefresh();
    if (state.selected !== null && data.incident === state.selected) loadDetail(state.selected, true);
  }

  // --- rendering ---------------------------------------------------------------------------------
  function sortedIncidents() {
    return [...state.incidents.values()].sort(
      (a, b) => a.priority - b.priority || new Date(a.received_at) - new Date(b.received_at)
    );
  }
  function countdown(incident) {
    // Once a team reached the scene the target is met or missed: show how long it took instead.
    const arrivals = (incident.assignments || []).map((a) => a.on_scene_at).filter(Boolean).map((t) => new Date(t).getTime());
    if (arrivals.length) {
      const took = (Math.min(...arrivals) - new Date(incident.received_at).getTime()) / 1000;
      const missed = incident.due_at && Math.min(...arrivals) > new Date(incident.due_at).getTime();
      return { text: `on scene in ${clock(Math.max(0, took))}`, cls: missed ? "late" : "ok" };
    }
    if (!incident.due_at) return { text: "no target", cls: "ok" };
    const left = (new Date(incident.due_at).getTime() - now()) / 1000;
    const total = (incident.target_minutes || 1) * 60;
    if (left < 0) return { text: `LATE ${clock(-left)}`, cls: "late" };
    return { text: `${clock(left)} left`, cls: left < total * 0.34 ? "soon" : "ok" };
  }
  function assignmentChips(incident) {
    return incident.assignments.map((a) => {
      const chips = [el("span", { class: "chip" }, `${a.team_call_sign} · ${STATUS_LABELS[a.status] || a.status}`)];
      if (a.status === "dispatched" && a.delivered_at) chips.push(el("span", { class: "chip delivered" }, "on tablet"));
      if (a.acknowledged_at || (a.status && a.status !== "dispatched")) chips.push(el("span", { class: "chip acked" }, "acknowledged"));
      if (a.escalated_at && a.status === "dispatched") chips.push(el("span", { class: "chip escalated" }, "NOT ACKNOWLEDGED"));
      return chips;
    });
  }
  function availableTeams() {
    return state.teamOrder.map((id) => state.teams.get(id)).filter((t) => t && t.status === "available");
  }
  function hasActiveTeam(incident) {
    return (incident.assignments || []).some((a) => !["cleared", "cancelled"].includes(a.status));
  }
  function renderQueue() {
    const list = $("queue");
    const incidents = sortedIncidents();
    list.replaceChildren(
      ...incidents.map((incident) => {
        const due = countdown(incident);
        const rec = incident.recommended_team;
        const picker = el("select", { "aria-label": `Team for ${incident.reference}`, onclick: (e) => e.stopPropagation() },
          el("option", { value: "" }, "Choose team…"),
          availableTeams().map((t) => el("option", { value: t.id }, t.call_sign)));
        return el("li", {
          class: `call p${incident.priority}` + (incident.id === state.selected ? " selected" : ""),
          tabindex: "0", dataset: { incident: incident.id },
          "aria-selected": incident.id === state.selected ? "true" : "false",
          onclick: () => select(incident.id),
          onkeydown: (e) => { if (e.key === "Enter") select(incident.id); },
        },
          el("div", { class: "row" },
            el("span", { class: "prio" }, `P${incident.priority}`),
            el("span", { class: "ref" }, incident.reference),
            el("span", {}, incident.call_type_name || "Call"),
            el("span", { class: `countdown ${due.cls}`, dataset: { due: incident.id } }, due.text)),
          el("div", { class: "where" }, incident.location_text),
          el("div", { class: "chips" }, el("span", { class: "chip" }, STATUS_LABELS[incident.status] || incident.status), assignmentChips(incident)),
          incident.screening_complete === false ? el("div", { class: "actions" },
            // Held from dispatch until a call-taker answers the safety questions (or overrides with a reason).
            el("a", { class: "btn", href: `/intake/screen/?incident=${incident.id}`, onclick: (e) => e.stopPropagation() },
              "Not yet safe to decide — complete the screening")) :
          el("div", { class: "actions" },
            rec ? el("button", {
              // A call that already has a team gets a plain button, so a second team is a choice, not a reflex.
              type: "button", class: hasActiveTeam(incident) ? "btn" : "btn btn-primary", dataset: { assign: rec.id },
              onclick: (e) => { e.stopPropagation(); assign(incident.id, rec.id); },
            }, (hasActiveTeam(incident) ? `Add ${rec.call_sign} as a second team` : `Assign ${rec.call_sign}`)
              + (rec.distance_km !== null && rec.distance_km !== undefined ? ` (${rec.distance_km.toFixed(1)} km)` : "") + " — recommended")
              : el("span", { class: "hint" }, "No available team has the needed skills."),
            picker,
            el("button", { type: "button", class: "btn", onclick: (e) => { e.stopPropagation(); if (picker.value) assign(incident.id, Number(picker.value)); } }, "Assign")));
      })
    );
    $("queue-empty").hidden = incidents.length > 0;
    $("queue-count").textContent = `(${incidents.length})`;
  }
  function renderTeams() {
    const list = $("teams");
    list.replaceChildren(
      ...state.teamOrder.map((id, index) => {
        const team = state.teams.get(id);
        const since = team.status_changed_at ? clock((now() - new Date(team.status_changed_at).getTime()) / 1000) : "—";
        const call = team.current_assignment ? `on ${team.current_assignment.reference}` : "no call";
        const pos = team.position && team.position.at
          ? `position ${clock((now() - new Date(team.position.at).getTime()) / 1000)} ago`
          : "no position yet";
        return el("li", { class: "team", dataset: { team: team.id } },
          el("span", { class: "num" }, index < 9 ? String(index + 1) : ""),
          el("span", {}, el("strong", {}, team.call_sign), " ",
            el("span", { class: `status status-${team.status}` }, STATUS_LABELS[team.status] || team.status),
            " ", el("span", { dataset: { since: team.id } }, since)),
          el("span", { class: "meta" }, `${call} · ${pos}`));
      })
    );
  }
  let map = null, layer = null;
  function renderMap() {
    if (typeof L === "undefined") return; // the board works without the map
    if (!map) {
      map = L.map("map", { zoomControl: true, attributionControl: true }).setView([39.74, -104.99], 12);
      const url = root.dataset.tileUrl;
      if (url) L.tileLayer(url, { maxZoom: 19, attribution: "Map data © OpenStreetMap contributors" }).addTo(map);
      layer = L.layerGroup().addTo(map);
    }
    layer.clearLayers();
    const points = [];
    for (const incident of state.incidents.values()) {
      if (incident.latitude === null || incident.longitude === null) continue;
      const icon = L.divIcon({ className: "map-marker-call", iconSize: [16, 16] });
      L.marker([incident.latitude, incident.longitude], { icon, title: `${incident.reference} P${incident.priority}` })
        .on("click", () => select(incident.id)).addTo(layer);
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
  function render() { renderQueue(); renderTeams(); renderMap(); }
  function tick() {
    for (const node of document.querySelectorAll("[data-due]")) {
      const incident = state.incidents.get(Number(node.dataset.due));
      if (!incident) continue;
      const due = countdown(incident);
      node.textContent = due.text;
      node.className = `countdown ${due.cls}`;
    }
    for (const node of document.querySelectorAll("[data-since]")) {
      const team = state.teams.get(Number(node.dataset.since));
      if (team && team.status_changed_at) node.textContent = clock((now() - new Date(team.status_changed_at).getTime()) / 1000);
    }
  }
  setInterval(tick, 1000);

  // --- detail panel ------------------------------------------------------------------------------
  async function loadDetail(id, quiet) {
    const box = $("detail");
    if (!quiet) box.replaceChildren(el("p", { class: "empty" }, "Loading…"));
    let incident;
    try { incident = await api("GET", `/api/v1/incidents/${id}/`); } catch (e) { box.replaceChildren(el("p", { class: "empty" }, e.message)); return; }
    if (state.selected !== id) return;
    const active = (incident.assignments || []).filter((a) => !["cleared", "cancelled"].includes(a.status));
    box.replaceChildren(...[
      el("h3", {}, `${incident.reference} · P${incident.priority} · ${incident.call_type_name || "Call"}`),
      el("p", {}, el("strong", {}, incident.location_text)),
      el("p", {}, incident.summary),
      incident.safety_notes ? el("p", { class: "notice error" }, `Safety: ${incident.safety_notes}`) : null,
      el("h4", {}, "Teams on this call"),
      active.length ? el("ul", {}, active.map((a) => el("li", {},
        `${a.team_call_sign}: ${STATUS_LABELS[a.status] || a.status} `,
        el("button", { type: "button", class: "btn btn-quiet", onclick: () => setStatus(a.id, "en_route") }, "En route"),
        el("button", { type: "button", class: "btn btn-quiet", onclick: () => setStatus(a.id, "on_scene") }, "On scene"),
        el("button", { type: "button", class: "btn btn-quiet", onclick: () => setStatus(a.id, "cleared") }, "Clear"),
        el("button", { type: "button", class: "btn btn-quiet", onclick: () => cancelAssignment(a.id) }, "Cancel"),
        reassignPicker(a)))) : el("p", { class: "empty" }, "No team yet."),
      el("h4", {}, "Timeline"),
      el("ol", { class: "timeline" }, (incident.timeline || []).map((entry) =>
        el("li", {}, el("time", { datetime: entry.at }, new Date(entry.at).toLocaleTimeString()), " ", entry.text))),
    ].filter(Boolean));
  }
  function reassignPicker(assignment) {
    const picker = el("select", { "aria-label": `Reassign ${assignment.team_call_sign} to` },
      el("option", { value: "" }, "Reassign to…"),
      availableTeams().map((t) => el("option", { value: t.id }, t.call_sign)));
    picker.addEventListener("change", () => {
      if (!picker.value) return;
      run(api("POST", `/api/v1/board/assignments/${assignment.id}/reassign/`, { team: Number(picker.value), reason: "Reassigned from the board" }), "Reassigned.");
    });
    return picker;
  }
  function select(id) {
    state.selected = id;
    renderQueue();
    const node = document.querySelector(`[data-incident="${id}"]`);
    if (node) node.focus({ preventScroll: false });
    loadDetail(id);
  }

  // --- actions -----------------------------------------------------------------------------------
  function run(promise, done) {
    return promise.then(() => { flash(done); scheduleRefresh(); }).catch((e) => flash(e.message, true));
  }
  function assign(incidentId, teamId) {
    const team = state.teams.get(teamId);
    return run(api("POST", `/api/v1/incidents/${incidentId}/assignments/`, { team: teamId }), `${team ? team.call_sign : "Team"} assigned.`);
  }
  function setStatus(assignmentId, status) {
    return run(api("POST", `/api/v1/assignments/${assignmentId}/status/`, { status }), `Status: ${STATUS_LABELS[status]}.`);
  }
  function cancelAssignment(assignmentId) {
    const reason = window.prompt("Why is the team taken off this call?");
    if (!reason) return;
    return run(api("POST", `/api/v1/assignments/${assignmentId}/cancel/`, { reason }), "Team taken off the call.");
  }
  function selectedFirstAssignment() {
    const incident = state.incidents.get(state.selected);
    return incident && incident.assignments.length ? incident.assignments[0] : null;
  }

  document.addEventListener("keydown", (e) => {
    const tag = (e.target && e.target.tagName) || "";
    if (["INPUT", "SELECT", "TEXTAREA"].includes(tag) || e.ctrlKey || e.metaKey || e.altKey) return;
    const list = sortedIncidents();
    const index = list.findIndex((i) => i.id === state.selected);
    if (e.key === "j" || e.key === "k") {
      if (!list.length) return;
      const next = e.key === "j" ? Math.min(list.length - 1, index + 1) : Math.max(0, index - 1);
      select(list[next].id);
    } else if (e.key === "a") {
      const incident = state.incidents.get(state.selected);
      if (incident && incident.recommended_team) assign(incident.id, incident.recommended_team.id);
      else flash("No recommended team for this call.", true);
    } else if (/^[1-9]$/.test(e.key)) {
      const teamId = state.teamOrder[Number(e.key) - 1];
      if (state.selected !== null && teamId) assign(state.selected, teamId);
    } else if (e.key === "e" || e.key === "o" || e.key === "c") {
      const assignment = selectedFirstAssignment();
      if (assignment) setStatus(assignment.id, { e: "en_route", o: "on_scene", c: "cleared" }[e.key]);
    } else if (e.key === "x") {
      const assignment = selectedFirstAssignment();
      if (assignment) cancelAssignment(assignment.id);
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
  loadSnapshot()
    .then(() => { if (state.selected !== null) loadDetail(state.selected); connect(); })
    .catch((e) => { flash(e.message, true); setTimeout(() => window.location.reload(), 10000); });
})();
