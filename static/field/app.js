/* Firstline field app: the responder's calls, encounter forms, resources and outbox.
   Everything the responder does becomes a mutation in the IndexedDB outbox (store.js) first and is
   sent when there is signal; nothing typed is lost to a dead zone. The page never trusts its own
   copy over the server's: after each sync it refetches the working set. */
const S = window.FLStore;

const TRANSITIONS = {
  dispatched: ["en_route", "on_scene"],
  acknowledged: ["en_route", "on_scene"],
  en_route: ["on_scene"],
  on_scene: ["transporting", "cleared"],
  transporting: ["at_destination", "cleared"],
  at_destination: ["cleared"],
};
const STATUS_WORDS = {
  dispatched: "New call — not acknowledged", acknowledged: "Acknowledged", en_route: "En route", on_scene: "On scene",
  transporting: "Transporting", at_destination: "At destination", cleared: "Cleared", cancelled: "Cancelled by dispatch",
};
const FOLLOWUP_WHEN = { tomorrow: ["Tomorrow", 1], three_days: ["In 3 days", 3], week: ["In a week", 7] };
const TIMER_MS = 20000;

const state = {
  view: "calls", boot: null, resources: null, encounters: [], user: null, device: null, deviceKey: null, deviceName: "",
  selected: null, form: null,
  ws: null, wsLive: false, wsTries: 0, wsTimer: null, refreshTimer: null, lastContact: 0, lastInput: Date.now(),
  locked: false, stopped: false, resQuery: "", resNeed: "", problems: [], pending: 0, knownAssignments: null,
};

const $ = (selector) => document.querySelector(selector);
const esc = (value) => String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const vocab = () => (state.boot && state.boot.vocab) || { needs: {}, services_provided: {}, dispositions: {}, statuses: {}, age_ranges: [], housing: {} };

function csrfCookie() {
  const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function say(text, kind = "") {
  const box = $("#message");
  if (!text) { box.hidden = true; return; }
  box.className = `notice ${kind}`;
  box.textContent = text;
  box.hidden = false;
}

async function api(path, options = {}) {
  const headers = { "Content-Type": "application/json", ...(options.headers || {}) };
  if (options.method && options.method !== "GET") headers["X-CSRFToken"] = csrfCookie() || (await S.get("meta", "csrf")) || "";
  const response = await fetch(path, { credentials: "same-origin", ...options, headers });
  let body = {};
  try { body = await response.json(); } catch (error) { body = {}; }
  return { status: response.status, ok: response.ok, body };
}

// --- connection state ---------------------------------------------------------------------------

function updateConn() {
  const el = $("#conn");
  if (!navigator.onLine) { el.className = "conn conn-offline"; el.textContent = "Offline — your work is kept on this tablet"; }
  else if (state.wsLive) { el.className = "conn conn-live"; el.textContent = "Live"; }
  else { el.className = "conn conn-online"; el.textContent = "Online"; }
  document.body.dataset.conn = !navigator.onLine ? "offline" : state.wsLive ? "live" : "online";
}

async function refreshCounts() {
  if (state.stopped) return;
  state.pending = await S.count("outbox");
  state.problems = S.unlocked() ? await S.all("problems") : [];
  const pending = $("#pending");
  pending.hidden = state.pending === 0;
  pending.textContent = state.pending === 1 ? "1 change waiting to sync" : `${state.pending} changes waiting to sync`;
  document.body.dataset.pending = String(state.pending);
  const badge = $("#problem-count");
  const problems = await S.count("problems");
  badge.hidden = problems === 0;
  badge.textContent = String(problems);
}

// --- talking to the server ------------------------------------------------------------------------

async function handleOutcome(outcome) {
  if (!outcome) return false;
  if (outcome.state === "device_revoked") { await revoked(); return false; }
  if (!["ok", "offline", "error"].includes(outcome.state)) {
    // not_authenticated, idle_timeout (the server ended the session), device_unknown, no-device: sign in again.
    if (state.user && !state.locked) {
      lockApp(outcome.state === "device_unknown" ? "This tablet is not registered. Check it with your supervisor."
        : "Sign in again to send your changes. They are kept on this tablet.", "error");
    }
    return false;
  }
  if (outcome.state === "error") say(`The server could not take the changes yet (${outcome.detail}). They stay queued.`, "error");
  return outcome.state === "ok";
}

async function sync() {
  if (state.stopped || !state.user || state.locked) return false;
  let before = 0;
  let outcome = null;
  try {
    await S.put("meta", csrfCookie() || (await S.get("meta", "csrf")) || "", "csrf");
    before = (await S.all("problems")).length;
    outcome = await S.drain();
  } catch (error) {
    return false; // local data was erased meanwhile (revocation or sign-out)
  }
  state.lastContact = Date.now();
  if (outcome && ["ok", "error"].includes(outcome.state)) S.put("meta", state.lastContact, "last_contact").catch(() => {});
  const ok = await handleOutcome(outcome);
  if (state.stopped) return false;
  state.encounters = await S.all("encounters");
  await refreshCounts();
  if (state.problems.length > before) say(`${state.problems.length - before} change(s) need your attention. Open “Needs attention”.`, "error");
  else if (ok && outcome.sent) say(`${outcome.sent} change(s) sent.`, "ok");
  return ok;
}

async function refreshBootstrap() {
  if (state.stopped || !state.user || state.locked || !navigator.onLine) return;
  let answer;
  try { answer = await api(`/api/v1/field/bootstrap/?device=${encodeURIComponent(state.device || "")}`); } catch (error) { return; }
  if (answer.status === 401 || answer.status === 403) { await handleOutcome({ state: answer.body.code || "not_authenticated" }); return; }
  if (!answer.ok) { say(answer.body.detail || "Could not load your calls.", "error"); return; }
  const boot = answer.body;
  const known = new Set((state.boot && state.boot.assignments || []).map((a) => a.id));
  const fresh = boot.assignments.filter((a) => a.active && !known.has(a.id));
  state.boot = boot;
  await S.put("cache", boot, "bootstrap");
  if (boot.offline_wipe_days) await S.put("meta", boot.offline_wipe_days, "offline_wipe_days");
  const cursors = (await S.get("meta", "cursors")) || {};
  for (const [stream, seq] of Object.entries(boot.cursors || {})) cursors[stream] = Math.max(cursors[stream] || 0, seq);
  await S.put("meta", cursors, "cursors");
  const pendingRecords = new Set((await S.outboxAll()).map((m) => m.record));
  for (const encounter of boot.encounters) {
    if (!pendingRecords.has(encounter.id)) await S.put("encounters", { ...encounter, pending: false });
  }
  state.encounters = await S.all("encounters");
  if (fresh.length && state.knownAssignments !== null) {
    say(`New call: ${fresh[0].incident_detail.location_text}`, "ok");
    if (navigator.vibrate) navigator.vibrate(300);
  }
  state.knownAssignments = new Set(boot.assignments.map((a) => a.id));
  document.body.dataset.boot = "loaded";
  $("#team-name").textContent = boot.team ? `· ${boot.team.call_sign}` : "";
  if (state.view !== "form") render();
}

async function refreshResources() {
  if (state.stopped || !state.user || state.locked || !navigator.onLine) return;
  try {
    const answer = await api("/api/v1/field/resources/");
    if (answer.ok) { state.resources = answer.body; await S.put("cache", answer.body, "resources"); if (state.view === "resources") render(); }
  } catch (error) { /* offline: keep the cached directory */ }
}

/** Every contact: send the outbox (which also tells a revoked tablet), then refetch the working set. */
async function contact() {
  if (!navigator.onLine || state.stopped) { updateConn(); return; }
  const ok = await sync();
  if (!ok) return;
  await refreshBootstrap();
  if (!state.resources || !state.resources.fetched || Date.now() - state.resources.fetched > 600000) {
    await refreshResources();
    if (state.resources) state.resources.fetched = Date.now();
  }
  connectStream();
}

function scheduleRefresh() {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = setTimeout(() => refreshBootstrap(), 250);
}

async function kick() {
  await refreshCounts();
  try {
    const registration = navigator.serviceWorker && (await navigator.serviceWorker.getRegistration("/field/"));
    if (registration && registration.sync) await registration.sync.register("fl-outbox");
  } catch (error) { /* Background Sync is optional */ }
  if (navigator.onLine) { await sync(); scheduleRefresh(); }
}

// --- the live stream ---------------------------------------------------------------------------

function connectStream() {
  if (state.stopped || !state.user || state.locked || !navigator.onLine) return;
  if (state.ws && state.ws.readyState <= 1) return;
  clearTimeout(state.wsTimer);
  const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/v1/stream/`);
  state.ws = ws;
  ws.onopen = async () => {
    const saved = (await S.get("meta", "cursors")) || {};
    const cursors = {};
    for (const stream of Object.keys((state.boot && state.boot.cursors) || {})) cursors[stream] = saved[stream] || 0;
    ws.send(JSON.stringify({ type: "hello", cursors, device: state.device }));
  };
  ws.onmessage = (message) => {
    let frame;
    try { frame = JSON.parse(message.data); } catch (error) { return; }
    onFrame(ws, frame);
  };
  ws.onclose = (event) => {
    if (state.ws === ws) { state.ws = null; state.wsLive = false; updateConn(); }
    if (event.code === 4410) { revoked(); return; }
    if (event.code === 4401 || event.code === 4403 || event.code === 4411) { handleOutcome({ state: "not_authenticated" }); return; }
    if (state.stopped || !navigator.onLine) return;
    const delay = Math.min(30000, 1000 * 2 ** state.wsTries++) * (0.5 + Math.random() / 2);
    state.wsTimer = setTimeout(connectStream, delay);
  };
}

async function onFrame(ws, frame) {
  if (frame.type === "welcome") {
    state.wsLive = true; state.wsTries = 0; updateConn();
    await sync(); scheduleRefresh(); // caught up after any gap: send, then refetch
  } else if (frame.type === "event") {
    const cursors = (await S.get("meta", "cursors")) || {};
    cursors[frame.stream] = Math.max(cursors[frame.stream] || 0, frame.seq);
    await S.put("meta", cursors, "cursors");
    if (ws.readyState === 1) ws.send(JSON.stringify({ type: "ack", stream: frame.stream, seq: frame.seq }));
    if (frame.kind === "device.revoked") { await revoked(); return; }
    if (/^(assignment|incident|encounter|team)\./.test(frame.kind)) scheduleRefresh();
    if (frame.kind === "followup.due" || frame.kind === "followup.overdue") say("A follow-up is due for your team.", "ok");
  } else if (frame.type === "resync") {
    const cursors = (await S.get("meta", "cursors")) || {};
    cursors[frame.stream] = frame.seq;
    await S.put("meta", cursors, "cursors");
    scheduleRefresh();
  } else if (frame.type === "ping") {
    if (ws.readyState === 1) ws.send(JSON.stringify({ type: "pong" }));
  }
}

// --- signing in, locking, wiping -------------------------------------------------------------------

/** Exchange the one-time enrollment code (typed, or from the supervisor's link or QR code) for the
    tablet's key, kept in IndexedDB. Replaces typing the tablet's 36-character id. */
async function enroll(code) {
  code = String(code || "").trim();
  if (!code) { say("Enter the enrollment code your supervisor gave for this tablet.", "error"); return false; }
  let answer;
  try {
    answer = await api("/api/v1/devices/enroll/", { method: "POST", body: JSON.stringify({ enrollment_code: code }) });
  } catch (error) { say("No signal. Enrolling the tablet needs the network.", "error"); return false; }
  if (!answer.ok) {
    say(answer.body.detail || Object.values(answer.body).flat().join(" ") || "Could not enroll this tablet.", "error");
    render();
    return false;
  }
  if (state.device || state.user) await S.wipe({ keepDevice: true, keepShell: true }); // re-enrolled: start empty
  Object.assign(state, { device: answer.body.device, deviceKey: answer.body.device_key, deviceName: answer.body.name || "", user: null, boot: null, encounters: [] });
  localStorage.setItem("fl.device", state.device);
  await S.put("meta", state.device, "device");
  await S.put("meta", state.deviceKey, "device_key");
  await S.put("meta", state.deviceName, "device_name");
  document.body.dataset.enrolled = "true";
  say(`This tablet is enrolled as “${state.deviceName}”. Sign in to start.`, "ok");
  render();
  return true;
}

async function forgetEnrollment(text) {
  Object.assign(state, { deviceKey: null });
  await S.del("meta", "device_key");
  delete document.body.dataset.enrolled;
  say(text, "error");
  render();
}

async function login(form) {
  const username = form.username.value.trim();
  const password = form.password.value;
  const device = state.device;
  if (!device || !state.deviceKey) { await forgetEnrollment("Enroll this tablet first."); return; }
  let answer;
  try {
    answer = await api("/api/v1/auth/login/", { method: "POST", body: JSON.stringify({ username, password, device, device_key: state.deviceKey }) });
  } catch (error) {
    // No network: a locked app still opens with the password, which unwraps the local data key.
    if (state.locked && state.user && username === state.user.username && (await S.unlock(password, state.user.id))) {
      await unlocked();
      say("Unlocked with no network. Your changes are sent when there is signal.", "ok");
    } else say(state.locked ? "No signal, and that password does not open this tablet's data." : "No signal. Signing in needs the network.", "error");
    return;
  }
  if (answer.status === 403 && answer.body.code === "device_revoked") {
    await revoked("This tablet was revoked by a supervisor. Everything the app kept on it has been erased.");
    return;
  }
  if (answer.status === 401 && answer.body.code === "device_required") {
    await forgetEnrollment("This tablet's enrollment is no longer valid. Ask your supervisor for a new enrollment code.");
    return;
  }
  if (!answer.ok) {
    const detail = answer.body.detail || Object.values(answer.body).flat().join(" ") || "Could not sign in.";
    say(detail, "error");
    return;
  }
  const user = answer.body.user;
  if (state.user && state.user.id !== user.id && state.pending) {
    say("Another person's unsent changes are on this tablet. They sign in first, or a supervisor clears the tablet.", "error");
    return;
  }
  if (state.user && state.user.id !== user.id) await S.wipe({ keepDevice: true, keepShell: true });
  if (!(await S.unlock(password, user.id))) {
    // First sign-in on this tablet, or the password changed since: what is here cannot be opened.
    if (await S.get("meta", "vault")) await S.wipe({ keepDevice: true, keepShell: true });
    await S.createVault(password, user.id);
  }
  state.user = user; state.stopped = false;
  await S.put("meta", user, "user");
  await S.put("meta", csrfCookie(), "csrf");
  await unlocked();
  say("");
  await contact();
}

/** The data key is in memory again: read the working set back from the sealed store. */
async function unlocked() {
  state.locked = false;
  state.boot = (await S.get("cache", "bootstrap")) || null;
  state.resources = (await S.get("cache", "resources")) || null;
  state.encounters = await S.all("encounters");
  state.knownAssignments = state.boot ? new Set(state.boot.assignments.map((a) => a.id)) : null;
  $("#team-name").textContent = state.boot && state.boot.team ? `· ${state.boot.team.call_sign}` : "";
  if (state.boot) document.body.dataset.boot = "loaded";
  touch();
  state.view = "calls";
  await refreshCounts();
  render();
}

/** Lock: drop the data key and everything read from the store, so the screen and memory hold nothing. */
function lockApp(text, kind = "") {
  S.lock();
  state.locked = true;
  if (state.ws) state.ws.close();
  Object.assign(state, { boot: null, resources: null, encounters: [], problems: [], form: null, selected: null, knownAssignments: null });
  delete document.body.dataset.boot;
  $("#team-name").textContent = "";
  say(text, kind);
  render();
}

function touch() {
  state.lastInput = Date.now();
  if (state.user && !state.stopped) S.put("meta", state.lastInput, "last_active").catch(() => {});
}

function idleCheck() {
  if (!state.user || state.locked || state.stopped) return;
  const limit = ((state.boot && state.boot.idle_seconds) || 43200) * 1000;
  if (Date.now() - state.lastInput > limit) lockApp("Locked after being idle. Sign in again to continue; your work is kept.");
}

async function logout() {
  const waiting = await S.count("outbox");
  if (waiting && !window.confirm(`${waiting} change(s) have not been sent. Signing out erases them from this tablet. Sign out anyway?`)) return;
  state.stopped = true;
  if (state.ws) state.ws.close();
  try { await api("/api/v1/auth/logout/", { method: "POST", body: "{}" }); } catch (error) { /* offline: the session ends on the server by idle timeout */ }
  await S.wipe({ keepDevice: true, keepShell: true });
  Object.assign(state, { boot: null, resources: null, encounters: [], user: null, form: null, selected: null, view: "login", stopped: false, knownAssignments: null });
  state.device = localStorage.getItem("fl.device");
  await refreshCounts();
  say("Signed out. Everything the app kept on this tablet for you was erased.", "ok");
  render();
}

async function revoked(text) {
  state.stopped = true;
  if (state.ws) state.ws.close();
  await S.wipe({ keepDevice: false, keepShell: false });
  try {
    const registration = navigator.serviceWorker && (await navigator.serviceWorker.getRegistration("/field/"));
    if (registration) await registration.unregister();
  } catch (error) { /* nothing to unregister */ }
  Object.assign(state, { boot: null, resources: null, encounters: [], user: null, device: null, deviceKey: null, form: null, view: "wiped", problems: [], pending: 0 });
  document.body.dataset.wiped = "true";
  $("#pending").hidden = true;
  say(text || "This tablet was revoked by a supervisor. Everything the app kept on it has been erased.", "error");
  render();
}

// --- actions -----------------------------------------------------------------------------------------

function assignmentById(id) {
  return ((state.boot && state.boot.assignments) || []).find((a) => String(a.id) === String(id));
}

async function setAssignmentLocally(assignment, status) {
  assignment.status = status;
  if (status === "cleared") assignment.active = false;
  await S.put("cache", state.boot, "bootstrap");
}

async function acknowledge(id) {
  const assignment = assignmentById(id);
  if (!assignment) return;
  await S.enqueue({ type: "assignment.acknowledge", record: id });
  if (assignment.status === "dispatched") await setAssignmentLocally(assignment, "acknowledged");
  render();
  await kick();
}

async function setStatus(id, status) {
  const assignment = assignmentById(id);
  if (!assignment) return;
  await S.enqueue({ type: "assignment.status", record: id, data: { status } });
  await setAssignmentLocally(assignment, status);
  render();
  await kick();
}

function blankForm(assignment) {
  return {
    id: S.uuid(), incident: assignment.incident, assignment: assignment.id, base_version: null,
    people_served: 1, needs: [], services_provided: [], disposition: "", followup_needed: false, referral_needed: false,
    followup_when: "", referral_service: "", referral_consent: false, narrative: "",
    person: { name: "", age_range: "", language: "", housing_status: "" },
  };
}

async function openForm(assignmentId, encounterId) {
  const assignment = assignmentById(assignmentId);
  const drafts = await S.all("drafts");
  let form;
  if (encounterId) {
    const encounter = state.encounters.find((e) => e.id === encounterId);
    form = drafts.find((d) => d.id === encounterId);
    if (!form && encounter) {
      const current = encounter.current || {};
      form = {
        ...blankForm(assignment || { incident: encounter.incident, id: encounter.assignment }), id: encounter.id,
        incident: encounter.incident, assignment: encounter.assignment, base_version: encounter.version,
        people_served: current.people_served ?? 1, needs: [...(current.needs || [])], services_provided: [...(current.services_provided || [])],
        disposition: current.disposition || "", followup_needed: !!current.followup_needed, referral_needed: !!current.referral_needed,
        narrative: current.narrative || "", person: { name: "", age_range: "", language: "", housing_status: "", ...(current.person || {}) },
      };
    }
  } else {
    form = drafts.find((d) => d.incident === assignment.incident && d.base_version === null) || blankForm(assignment);
  }
  state.form = form;
  state.view = "form";
  await saveDraft();
  render();
}

let draftWrites = 0;

async function saveDraft() {
  if (!state.form) return;
  draftWrites++;
  document.body.dataset.draft = "saving";
  try {
    await S.put("drafts", state.form, state.form.id);
  } finally {
    draftWrites--;
    if (draftWrites === 0) document.body.dataset.draft = "saved";
  }
}

function compactPerson(person) {
  return Object.fromEntries(Object.entries(person || {}).filter(([, v]) => v !== "" && v !== null && v !== undefined));
}

async function submitForm() {
  const form = state.form;
  if (!form.disposition) { say("Choose how the encounter ended (the big buttons).", "error"); return; }
  const data = {
    incident: form.incident, assignment: form.assignment, disposition: form.disposition, people_served: form.people_served,
    needs: form.needs, services_provided: form.services_provided, followup_needed: form.followup_needed,
    referral_needed: form.referral_needed, narrative: form.narrative.trim(), person: compactPerson(form.person),
  };
  const amend = form.base_version !== null && form.base_version !== undefined;
  await S.enqueue({ type: amend ? "encounter.amend" : "encounter.create", record: form.id, base_version: amend ? form.base_version : null, data });
  const previous = state.encounters.find((e) => e.id === form.id);
  await S.put("encounters", {
    id: form.id, incident: form.incident, assignment: form.assignment, version: form.base_version || 0, pending: true,
    current: { ...data, number: (form.base_version || 0) + 1, authored_by: state.user.username },
    notes: (previous && previous.notes) || [],
  });
  if (form.followup_needed && form.followup_when && state.boot && state.boot.team) {
    const due = new Date(Date.now() + FOLLOWUP_WHEN[form.followup_when][1] * 86400000);
    await S.enqueue({ type: "followup.create", record: S.uuid(), data: { kind: "check_in_call", due_at: due.toISOString(), team: state.boot.team.id, encounter: form.id, notes: "" } });
  }
  // A referral shares the person's details, so it is sent only with their consent; without it the
  // encounter's "referral needed" flag is the record, and a supervisor follows up.
  if (form.referral_needed && form.referral_service && form.referral_consent) {
    await S.enqueue({
      type: "referral.create", record: S.uuid(),
      data: {
        encounter: form.id, service: form.referral_service, need: form.needs[0] || "", notes: "",
        consent: { scope: ["needs", "name", "contact"], recipients: "service", expires_at: null, substance_use_records: false, given_by: "verbal" },
      },
    });
  }
  await S.del("drafts", form.id);
  state.encounters = await S.all("encounters");
  state.form = null;
  state.view = "call";
  say(navigator.onLine ? "Encounter saved. Sending now." : "Encounter saved on this tablet. It is sent when there is signal.", "ok");
  render();
  await kick();
}

async function addNote(encounterId, text) {
  text = text.trim();
  if (!text) { say("The note is empty.", "error"); return; }
  const noteId = S.uuid();
  await S.enqueue({ type: "encounter.note", record: encounterId, data: { id: noteId, text } });
  const encounter = await S.get("encounters", encounterId);
  if (encounter) {
    encounter.notes = (encounter.notes || []).concat([{ id: noteId, text, author: state.user.username, pending: true, created_at: new Date().toISOString() }]);
    await S.put("encounters", encounter);
  }
  state.encounters = await S.all("encounters");
  render();
  await kick();
}

async function resolveProblem(id, choice) {
  const problem = state.problems.find((p) => p.id === id);
  if (!problem) return;
  const m = problem.mutation;
  if (choice === "mine" && problem.server) {
    // Keep mine: send my version again as an edit of the server's latest version; nothing is overwritten.
    await S.enqueue({ type: "encounter.amend", record: m.record, base_version: problem.server.version, data: m.data });
    await S.put("encounters", { ...problem.server, pending: true, current: { ...m.data, number: problem.server.version + 1, authored_by: state.user.username } });
  } else if (choice === "theirs" && problem.server) {
    await S.put("encounters", { ...problem.server, pending: false });
  } else if (choice === "retry") {
    await S.enqueue({ type: m.type, record: m.record, base_version: m.base_version, data: m.data });
  }
  await S.del("problems", id);
  state.encounters = await S.all("encounters");
  await refreshCounts();
  render();
  if (choice === "mine" || choice === "retry") await kick();
}

// --- rendering ---------------------------------------------------------------------------------------

function label(map, code) { return (map && map[code]) || code; }

function mapLinks(incident) {
  const q = encodeURIComponent(incident.location_text || "");
  if (incident.latitude != null && incident.longitude != null) {
    const { latitude: lat, longitude: lon } = incident;
    return `<a class="link-btn" href="geo:${lat},${lon}?q=${lat},${lon}(${q})">Open in maps app</a>
      <a class="link-btn" target="_blank" rel="noopener" href="https://www.openstreetmap.org/?mlat=${lat}&amp;mlon=${lon}#map=17/${lat}/${lon}">Web map</a>`;
  }
  return `<a class="link-btn" href="geo:0,0?q=${q}">Open in maps app</a>
    <a class="link-btn" target="_blank" rel="noopener" href="https://www.openstreetmap.org/search?query=${q}">Web map</a>`;
}

function safetyBlock(incident) {
  const flags = incident.safety_flags || [];
  if (!flags.length && !incident.safety_notes) return "";
  return `<div class="safety" role="note"><span>⚠ Safety</span><ul>${flags.map((f) => `<li>${esc(f)}</li>`).join("")}
    ${incident.safety_notes ? `<li>${esc(incident.safety_notes)}</li>` : ""}</ul></div>`;
}

function viewEnroll() {
  return `<section class="card narrow"><h1>Enroll this tablet</h1>
    <p>Scan the QR code your supervisor shows when the tablet is registered, or type the enrollment code.</p>
    <form id="enroll-form" autocomplete="off">
      <label for="fl-enroll-code">Enrollment code</label>
      <input id="fl-enroll-code" name="code" inputmode="text" autocapitalize="characters" spellcheck="false" placeholder="XXXX-XXXX-XXXX">
      <p class="hint">The code works once. Ask your supervisor for a new one if it was used or has expired.</p>
      <button type="submit" class="btn btn-primary btn-big btn-block">Enroll</button>
    </form></section>`;
}

function viewLogin(locked) {
  if (!state.device || !state.deviceKey) return viewEnroll();
  const username = (state.user && state.user.username) || "";
  return `<section class="card narrow"><h1>${locked ? "Locked" : "Sign in on this tablet"}</h1>
    <p class="hint" id="fl-tablet-name">Tablet: ${esc(state.deviceName || state.device)}</p>
    ${locked ? `<p>Your work is kept on this tablet. Enter your password to continue.</p>` : ""}
    <form id="login-form" autocomplete="off">
      <label for="fl-username">Username</label>
      <input id="fl-username" name="username" value="${esc(username)}" ${locked ? "readonly" : ""} autocomplete="username">
      <label for="fl-password">Password</label>
      <input id="fl-password" name="password" type="password" autocomplete="current-password">
      <button type="submit" class="btn btn-primary btn-big btn-block">Sign in</button>
    </form></section>`;
}

function viewCalls() {
  if (!state.boot) return `<p class="loading">${navigator.onLine ? "Loading your calls…" : "No saved calls yet. They load the first time the tablet has signal."}</p>`;
  const list = state.boot.assignments.slice().sort((a, b) => Number(b.active) - Number(a.active));
  if (!list.length) return `<p class="empty">No calls right now. New calls appear here by themselves.</p>`;
  return `<h1>Your calls</h1><div class="calls">${list.map((a) => {
    const i = a.incident_detail;
    return `<button type="button" class="call-card ${a.active ? "active" : ""}" data-action="open-call" data-id="${a.id}" data-assignment="${a.id}">
      <h2>${esc(i.location_text)}</h2>
      <span class="badge p${i.priority}">Priority ${esc(i.priority)}</span><span class="badge status">${esc(STATUS_WORDS[a.status] || a.status)}</span>
      ${esc(i.call_type_name || "")} · ${esc(i.reference)}
      ${(i.safety_flags || []).length ? `<div class="safety">⚠ ${i.safety_flags.map(esc).join(", ")}</div>` : ""}
    </button>`;
  }).join("")}</div>`;
}

function encounterBlock(e) {
  const c = e.current || {};
  const v = vocab();
  return `<article class="encounter ${e.pending ? "pending" : ""}" data-encounter="${esc(e.id)}">
    <h3>Encounter ${e.pending ? "(waiting to sync)" : `version ${esc(e.version)}`}</h3>
    <dl class="kv"><dt>Ended</dt><dd>${esc(label(v.dispositions, c.disposition))}</dd>
      <dt>People</dt><dd>${esc(c.people_served)}</dd>
      <dt>Needs</dt><dd>${(c.needs || []).map((n) => esc(label(v.needs, n))).join(", ") || "—"}</dd>
      <dt>Services</dt><dd>${(c.services_provided || []).map((n) => esc(label(v.services_provided, n))).join(", ") || "—"}</dd></dl>
    ${c.narrative ? `<p class="narrative">${esc(c.narrative)}</p>` : ""}
    ${(e.notes || []).map((n) => `<p class="note">${esc(n.text)} <span class="hint">— ${esc(n.author || "")}${n.pending ? " (waiting to sync)" : ""}</span></p>`).join("")}
    <label for="note-${esc(e.id)}">Add a note</label>
    <textarea id="note-${esc(e.id)}" rows="2" maxlength="2000"></textarea>
    <div class="row"><button type="button" class="btn" data-action="add-note" data-id="${esc(e.id)}">Add note</button>
      <button type="button" class="btn" data-action="edit-encounter" data-id="${esc(e.id)}">Change this encounter</button></div>
  </article>`;
}

function viewCall() {
  const a = assignmentById(state.selected);
  if (!a) return `<p class="empty">That call is no longer on your list.</p>`;
  const i = a.incident_detail;
  const encounters = state.encounters.filter((e) => e.incident === a.incident);
  return `<article class="call">
    <h1>${esc(i.call_type_name || "Call")} <span class="hint">${esc(i.reference)}</span></h1>
    <span class="badge p${i.priority}">Priority ${esc(i.priority)}</span><span class="badge status" id="call-status">${esc(STATUS_WORDS[a.status] || a.status)}</span>
    ${safetyBlock(i)}
    <p class="address">${esc(i.location_text)}</p>
    <div class="map-links">${mapLinks(i)}</div>
    <h2>What the caller said</h2><p class="call-notes">${esc(i.summary)}${i.caller_notes ? `\n\n${esc(i.caller_notes)}` : ""}</p>
    ${i.callback ? `<p>Callback: <a href="tel:${esc(i.callback)}">${esc(i.callback)}</a></p>` : ""}
    <h2>Encounters</h2>${encounters.map(encounterBlock).join("") || `<p class="empty">Nothing documented yet.</p>`}
  </article>`;
}

function actionsCall() {
  const a = assignmentById(state.selected);
  if (!a) return "";
  const buttons = [];
  if (a.status === "dispatched") buttons.push(`<button type="button" class="btn btn-ok" data-action="ack" data-id="${a.id}">Acknowledge</button>`);
  for (const next of TRANSITIONS[a.status] || []) {
    buttons.push(`<button type="button" class="btn ${next === "cleared" ? "" : "btn-primary"}" data-action="status" data-id="${a.id}" data-status="${next}">${esc(STATUS_WORDS[next])}</button>`);
  }
  buttons.push(`<button type="button" class="btn" data-action="new-encounter" data-id="${a.id}">Document encounter</button>`);
  return buttons.join("");
}

function chips(list, field, selected) {
  return `<div class="chips">${Object.entries(list).map(([code, text]) => `<button type="button" class="chip" data-action="toggle" data-list="${field}" data-code="${esc(code)}" aria-pressed="${selected.includes(code)}">${esc(text)}</button>`).join("")}</div>`;
}

function pick(field, options, value, big = false) {
  return `<div class="${big ? "big-choices" : "chips"}">${Object.entries(options).map(([code, text]) => `<button type="button" class="chip" data-action="pick" data-field="${field}" data-code="${esc(code)}" aria-pressed="${value === code}">${esc(text)}</button>`).join("")}</div>`;
}

function viewForm() {
  const f = state.form;
  const v = vocab();
  const services = ((state.resources && state.resources.results) || [])
    .filter((r) => !f.needs.length || (r.needs || []).some((n) => f.needs.includes(n))).slice(0, 10);
  const ages = Object.fromEntries((v.age_ranges || []).map((x) => [x, x]));
  return `<h1>${f.base_version ? "Change encounter" : "Document encounter"}</h1>
    <p class="hint">Saved on this tablet as you go. Only “How did it end?” is required.</p>
    <fieldset><legend>People served</legend><div class="stepper">
      <button type="button" class="btn" data-action="people" data-step="-1" aria-label="One fewer person">−</button>
      <output id="people-served" aria-live="polite">${esc(f.people_served)}</output>
      <button type="button" class="btn" data-action="people" data-step="1" aria-label="One more person">+</button></div></fieldset>
    <fieldset><legend>Needs identified</legend>${chips(v.needs, "needs", f.needs)}</fieldset>
    <fieldset><legend>Services provided</legend>${chips(v.services_provided, "services_provided", f.services_provided)}</fieldset>
    <fieldset><legend>How did it end?</legend>${pick("disposition", v.dispositions, f.disposition, true)}</fieldset>
    <fieldset><legend>Next steps</legend><div class="chips">
      <button type="button" class="chip" data-action="flag" data-field="followup_needed" aria-pressed="${f.followup_needed}">Follow-up needed</button>
      <button type="button" class="chip" data-action="flag" data-field="referral_needed" aria-pressed="${f.referral_needed}">Referral needed</button></div>
      ${f.followup_needed ? `<p class="hint">When should someone check in?</p>${pick("followup_when", Object.fromEntries(Object.entries(FOLLOWUP_WHEN).map(([k, x]) => [k, x[0]])), f.followup_when)}` : ""}
      ${f.referral_needed ? (services.length ? `<p class="hint">Refer to (from the resource directory):</p>${pick("referral_service", Object.fromEntries(services.map((s) => [s.id, s.name])), f.referral_service)}
        <div class="chips"><button type="button" class="chip" data-action="flag" data-field="referral_consent" aria-pressed="${f.referral_consent}">Person agreed to share their details with this service</button></div>`
        : `<p class="hint">No matching services on this tablet. The referral is noted on the encounter.</p>`) : ""}
    </fieldset>
    <label for="narrative">What happened (a few lines)</label>
    <textarea id="narrative" data-field="narrative" rows="4" maxlength="4000">${esc(f.narrative)}</textarea>
    <details ${compactPerson(f.person) && Object.keys(compactPerson(f.person)).length ? "open" : ""}><summary>Person details (optional — skip if unknown)</summary>
      <label for="person-name">Name or alias</label><input id="person-name" data-person="name" value="${esc(f.person.name)}" autocomplete="off">
      <p class="hint">Age range</p>${pick("person.age_range", ages, f.person.age_range)}
      <label for="person-language">Language</label><input id="person-language" data-person="language" value="${esc(f.person.language)}" autocomplete="off">
      <p class="hint">Housing</p>${pick("person.housing_status", v.housing || {}, f.person.housing_status)}
    </details>`;
}

function actionsForm() {
  return `<button type="button" class="btn btn-primary" data-action="submit-form">Save and send</button>
    <button type="button" class="btn" data-action="close-form">Keep as draft</button>`;
}

function openNow(hours, zone) {
  if (!Array.isArray(hours) || !hours.length) return null;
  let parts;
  try {
    parts = Object.fromEntries(new Intl.DateTimeFormat("en-US", { timeZone: zone || undefined, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(new Date()).map((p) => [p.type, p.value]));
  } catch (error) { return null; }
  const weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(parts.weekday);
  const minutes = Number(parts.hour) * 60 + Number(parts.minute);
  const toMin = (t) => { const [h, m] = String(t).split(":").map(Number); return h * 60 + (m || 0); };
  return hours.some((h) => {
    const opens = toMin(h.opens);
    const closes = toMin(h.closes);
    if (closes > opens) return h.weekday === weekday && minutes >= opens && minutes < closes;
    return (h.weekday === weekday && minutes >= opens) || (h.weekday === (weekday + 6) % 7 && minutes < closes);
  });
}

function viewResources() {
  const data = state.resources;
  if (!data) return `<h1>Resources</h1><p class="empty">The directory loads the first time the tablet has signal.</p>`;
  if (data.available === false) return `<h1>Resources</h1><p class="empty">${esc(data.detail || "The resource directory is not available yet.")}</p>`;
  const zone = state.boot && state.boot.time_zone;
  const q = state.resQuery.trim().toLowerCase();
  const need = state.resNeed;
  const rows = (data.results || [])
    .filter((r) => !need || (r.needs || []).includes(need))
    .filter((r) => !q || [r.name, r.description, r.organization].some((x) => String(x || "").toLowerCase().includes(q)))
    .map((r) => ({ r, open: openNow(r.hours, zone) }))
    .sort((a, b) => (b.open === true) - (a.open === true) || String(a.r.name).localeCompare(String(b.r.name)));
  const v = vocab();
  return `<h1>Resources</h1>
    <label for="res-q">Search by name</label><input id="res-q" type="search" value="${esc(state.resQuery)}" autocomplete="off">
    <p class="hint">Need</p><div class="chips">${Object.entries(v.needs).map(([code, text]) => `<button type="button" class="chip" data-action="res-need" data-code="${esc(code)}" aria-pressed="${need === code}">${esc(text)}</button>`).join("")}</div>
    <p class="hint" id="res-count">${rows.length} service(s); open now first.</p>
    ${rows.map(({ r, open }) => `<article class="resource" data-resource="${esc(r.id)}"><h2>${esc(r.name)}</h2>
      ${open === true ? `<span class="badge open-now">Open now</span>` : open === false ? `<span class="badge">Closed now</span>` : `<span class="badge">Hours unknown</span>`}
      ${r.capacity && r.capacity.available != null ? `<span class="badge">${esc(r.capacity.available)} open spots${r.capacity.stale ? " (old count)" : ""}</span>` : ""}
      <p>${esc(r.organization || "")}</p>${r.description ? `<p>${esc(r.description)}</p>` : ""}
      <dl class="kv">${r.address ? `<dt>Address</dt><dd>${esc(r.address)} <a href="${r.latitude != null ? `geo:${r.latitude},${r.longitude}` : `geo:0,0?q=${encodeURIComponent(r.address)}`}">map</a></dd>` : ""}
      ${r.phone ? `<dt>Phone</dt><dd><a href="tel:${esc(r.phone)}">${esc(r.phone)}</a></dd>` : ""}
      ${r.eligibility ? `<dt>Who</dt><dd>${esc(r.eligibility)}</dd>` : ""}
      ${(r.min_age != null || r.max_age != null) ? `<dt>Ages</dt><dd>${esc(r.min_age ?? 0)}–${esc(r.max_age ?? "any")}</dd>` : ""}
      ${(r.languages || []).length ? `<dt>Languages</dt><dd>${r.languages.map(esc).join(", ")}</dd>` : ""}
      ${(r.hours || []).length ? `<dt>Hours</dt><dd>${r.hours.map((h) => `${["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][h.weekday]} ${esc(h.opens)}–${esc(h.closes)}`).join(", ")}</dd>` : ""}</dl>
    </article>`).join("")}`;
}

function describe(m) {
  const v = vocab();
  if (m.type.startsWith("encounter.") && m.data) {
    if (m.type === "encounter.note") return `Note: “${esc(m.data.text)}”`;
    return `Encounter: ${esc(label(v.dispositions, m.data.disposition))}; ${esc(m.data.narrative || "")}`;
  }
  if (m.type === "assignment.status") return `Status “${esc(STATUS_WORDS[m.data.status] || m.data.status)}” on call ${esc(m.record)}`;
  if (m.type === "assignment.acknowledge") return `Acknowledge call ${esc(m.record)}`;
  return `${esc(m.type)} ${esc(m.record || "")}`;
}

function errorsText(errors) {
  return Object.entries(errors || {}).map(([field, messages]) => `${field === "detail" ? "" : `${esc(field)}: `}${esc([].concat(messages).map((x) => (typeof x === "object" ? JSON.stringify(x) : x)).join(" "))}`).join("<br>");
}

function viewProblems() {
  if (!state.problems.length) return `<h1>Needs attention</h1><p class="empty">Nothing needs your attention. Every change was accepted.</p>`;
  return `<h1>Needs attention</h1>${state.problems.map((p) => {
    const m = p.mutation;
    if (p.kind === "conflict" && p.server) {
      const s = p.server.current || {};
      const v = vocab();
      return `<section class="problem conflict" data-problem="${esc(p.id)}"><h2>Someone else changed this encounter</h2>
        <p>${errorsText(p.errors)}</p>
        <div class="versions"><div class="mine"><h3>Your version</h3><p>${esc(label(v.dispositions, m.data.disposition))}</p><p>${esc(m.data.narrative || "")}</p></div>
        <div class="theirs"><h3>On the server (version ${esc(p.server.version)}${s.authored_by ? `, by ${esc(s.authored_by)}` : ""})</h3><p>${esc(label(v.dispositions, s.disposition))}</p><p>${esc(s.narrative || "")}</p></div></div>
        <div class="row"><button type="button" class="btn btn-primary" data-action="resolve" data-choice="mine" data-id="${esc(p.id)}">Keep mine</button>
        <button type="button" class="btn" data-action="resolve" data-choice="theirs" data-id="${esc(p.id)}">Keep theirs</button></div></section>`;
    }
    return `<section class="problem rejected" data-problem="${esc(p.id)}"><h2>Not accepted by the server</h2><p>${describe(m)}</p>
      <p class="reason"><strong>Why:</strong> ${errorsText(p.errors)}</p>
      <div class="row"><button type="button" class="btn" data-action="resolve" data-choice="retry" data-id="${esc(p.id)}">Send again</button>
      <button type="button" class="btn" data-action="resolve" data-choice="drop" data-id="${esc(p.id)}">Remove from this list</button></div></section>`;
  }).join("")}`;
}

function render() {
  const loggedIn = !!state.user && !state.locked && state.view !== "wiped";
  $("#nav").hidden = !loggedIn;
  document.body.dataset.view = state.locked ? "locked" : state.view;
  for (const button of document.querySelectorAll(".nav-btn[data-view]")) {
    button.setAttribute("aria-current", button.dataset.view === state.view || (state.view === "call" && button.dataset.view === "calls") ? "page" : "false");
  }
  const scroll = window.scrollY;
  let html = "";
  let actions = "";
  if (state.view === "wiped") html = `<section class="card narrow"><h1>Tablet erased</h1><p>Ask your supervisor for a registered tablet.</p>
    <button type="button" class="btn btn-big btn-block" data-action="reload">Start again</button></section>`;
  else if (!state.user) html = viewLogin(false);
  else if (state.locked) html = viewLogin(true);
  else if (state.view === "call") { html = viewCall(); actions = actionsCall(); }
  else if (state.view === "form" && state.form) { html = viewForm(); actions = actionsForm(); }
  else if (state.view === "resources") html = viewResources();
  else if (state.view === "problems") html = viewProblems();
  else { state.view = "calls"; html = viewCalls(); }
  $("#view").innerHTML = html;
  $("#actions").innerHTML = actions;
  $("#actions").hidden = !actions;
  window.scrollTo(0, scroll);
}

// --- events ------------------------------------------------------------------------------------------

document.addEventListener("click", async (event) => {
  touch();
  const nav = event.target.closest(".nav-btn[data-view]");
  if (nav) { state.view = nav.dataset.view; say(""); render(); window.scrollTo(0, 0); return; }
  const target = event.target.closest("[data-action]");
  if (!target) return;
  const { action, id } = target.dataset;
  const f = state.form;
  if (action === "reload") { location.reload(); return; }
  if (action === "open-call") { state.selected = id; state.view = "call"; say(""); render(); window.scrollTo(0, 0); }
  else if (action === "ack") await acknowledge(id);
  else if (action === "status") await setStatus(id, target.dataset.status);
  else if (action === "new-encounter") await openForm(id, null);
  else if (action === "edit-encounter") await openForm(state.selected, id);
  else if (action === "add-note") await addNote(id, document.getElementById(`note-${id}`).value);
  else if (action === "resolve") await resolveProblem(id, target.dataset.choice);
  else if (action === "res-need") { state.resNeed = state.resNeed === target.dataset.code ? "" : target.dataset.code; render(); }
  else if (action === "submit-form") await submitForm();
  else if (action === "close-form") { await saveDraft(); state.form = null; state.view = "call"; say("Draft kept on this tablet.", "ok"); render(); }
  else if (f && action === "people") { f.people_served = Math.max(0, Math.min(500, f.people_served + Number(target.dataset.step))); await saveDraft(); render(); }
  else if (f && action === "toggle") {
    const list = f[target.dataset.list];
    const code = target.dataset.code;
    f[target.dataset.list] = list.includes(code) ? list.filter((x) => x !== code) : list.concat([code]);
    await saveDraft(); render();
  } else if (f && action === "pick") {
    const field = target.dataset.field;
    if (field.startsWith("person.")) { const key = field.slice(7); f.person[key] = f.person[key] === target.dataset.code ? "" : target.dataset.code; }
    else f[field] = f[field] === target.dataset.code && field !== "disposition" ? "" : target.dataset.code;
    await saveDraft(); render();
  } else if (f && action === "flag") { f[target.dataset.field] = !f[target.dataset.field]; await saveDraft(); render(); }
});

document.addEventListener("input", async (event) => {
  touch();
  const el = event.target;
  if (el.id === "res-q") {
    state.resQuery = el.value;
    const position = el.selectionStart;
    render();
    const box = $("#res-q"); box.focus(); box.setSelectionRange(position, position);
    return;
  }
  if (!state.form) return;
  if (el.dataset.field === "narrative") state.form.narrative = el.value;
  else if (el.dataset.person) state.form.person[el.dataset.person] = el.value;
  else return;
  await saveDraft();
});

document.addEventListener("submit", async (event) => {
  if (event.target.id === "enroll-form") { event.preventDefault(); await enroll(event.target.code.value); return; }
  if (event.target.id !== "login-form") return;
  event.preventDefault();
  await login(event.target);
});

$("#logout").addEventListener("click", () => logout());
$("#pending").addEventListener("click", () => kick());
document.addEventListener("keydown", touch);
window.addEventListener("online", () => { updateConn(); contact(); });
window.addEventListener("offline", () => { updateConn(); if (state.ws) state.ws.close(); });

// --- start -------------------------------------------------------------------------------------------

async function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register(window.FL_SHELL.sw, { scope: "/field/" });
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller) document.body.dataset.sw = "ready";
    navigator.serviceWorker.addEventListener("controllerchange", () => { document.body.dataset.sw = "ready"; });
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "device_revoked") revoked();
      else if (event.data && event.data.type === "synced" && S.unlocked()) { S.all("encounters").then((e) => { state.encounters = e; refreshCounts(); }).catch(() => {}); }
    });
  } catch (error) { /* the app still works online without a service worker */ }
}

/** A tablet that has not reached the server for `offline_wipe_days` (from the bootstrap) erases its
    working set when it next opens, before anyone unlocks it; its enrollment stays. */
async function tooLongOffline() {
  const last = await S.get("meta", "last_contact");
  const days = (await S.get("meta", "offline_wipe_days")) || 7;
  if (!last || Date.now() - last <= days * 86400000) return false;
  await S.wipe({ keepDevice: true, keepShell: true });
  Object.assign(state, { user: null, locked: false, boot: null, encounters: [], problems: [], pending: 0 });
  document.body.dataset.wiped = "offline";
  say(`This tablet had not reached the server for more than ${days} days, so it erased what it kept. Sign in again.`, "error");
  await refreshCounts();
  render();
  return true;
}

/** At opening, before anyone unlocks: ask whether this tablet was revoked while it was away. */
async function revokedMeanwhile() {
  let answer;
  try {
    answer = await api("/api/v1/devices/check/", { method: "POST", body: JSON.stringify({ device: state.device, device_key: state.deviceKey }) });
  } catch (error) { return false; }
  if (answer.status === 401 && answer.body.code === "device_revoked") { await revoked(); return true; }
  if (answer.ok) S.put("meta", Date.now(), "last_contact").catch(() => {});
  return false;
}

async function start() {
  updateConn();
  registerWorker();
  await S.open();
  state.device = (await S.get("meta", "device")) || null;
  state.deviceKey = (await S.get("meta", "device_key")) || null;
  state.deviceName = (await S.get("meta", "device_name")) || "";
  if (state.deviceKey) document.body.dataset.enrolled = "true";
  state.user = (await S.get("meta", "user")) || null;
  // The data key never outlives the page: an app that opens with a signed-in user opens locked.
  state.locked = !!state.user;
  await refreshCounts();
  render();
  if (state.user && (await tooLongOffline())) return;
  if (state.deviceKey && navigator.onLine && (await revokedMeanwhile())) return;
  const link = /[#&]enroll=([^&]+)/.exec(location.hash);
  if (link) {
    // The supervisor's enrollment link or QR code: the code rides in the fragment, never sent to a server.
    history.replaceState(null, "", location.pathname);
    await enroll(decodeURIComponent(link[1]));
  }
  document.body.dataset.ready = "true";
  if (state.user && !state.locked) await contact();
  setInterval(async () => {
    idleCheck();
    if (state.stopped || !state.user || state.locked || !navigator.onLine) return;
    if (state.pending > 0 || Date.now() - state.lastContact > 60000) await contact();
    else connectStream();
  }, TIMER_MS);
}

window.FL = { state, sync, contact, refreshBootstrap, idleCheck, lockApp };
start();
