/* What a responder does on a call: acknowledge, report status, document an encounter, add a note,
   settle what the server refused. Each becomes a mutation in the outbox first (store.js). */
import { formatList } from "../common/format.js";
import { gettext, interpolate } from "../common/i18n.js";
import { kick, refreshCounts } from "./net.js";
import { answerProblems, customData, startAnswers } from "./questions.js";
import { label, render, S, say, state, vocab } from "./state.js";

export function assignmentById(id) {
  return ((state.boot && state.boot.assignments) || []).find((a) => String(a.id) === String(id));
}

/** The statuses a responder may report next, as the server's state machine allows (bootstrap). */
export function nextStatuses(status) {
  return vocab().transitions[status] || [];
}

async function setAssignmentLocally(assignment, status) {
  assignment.status = status;
  if (status === "cleared") assignment.active = false;
  await S.put("cache", state.boot, "bootstrap");
}

export async function acknowledge(id) {
  const assignment = assignmentById(id);
  if (!assignment) return;
  await S.enqueue({ type: "assignment.acknowledge", record: id });
  if (assignment.status === "dispatched") await setAssignmentLocally(assignment, "acknowledged");
  render();
  await kick();
}

const sending = () => (navigator.onLine ? gettext("Sending now.") : gettext("It is sent when there is signal."));

/** Back to the calls list, at its top, with what just happened said where it is seen. */
function backToCalls(text) {
  state.form = null;
  state.selected = null;
  state.view = "calls";
  state.confirmation = text;
  say(`${text} ${sending()}`, "ok");
  render();
  window.scrollTo(0, 0);
}

export async function setStatus(id, status) {
  const assignment = assignmentById(id);
  if (!assignment) return;
  await S.enqueue({ type: "assignment.status", record: id, data: { status } });
  await setAssignmentLocally(assignment, status);
  if (status === "cleared") {
    // A cleared call needs nothing more from the team: the next call is what they look for.
    const reference = (assignment.incident_detail && assignment.incident_detail.reference) || "";
    backToCalls(interpolate(gettext("Call %(reference)s cleared."), { reference }));
  } else render();
  await kick();
}

function blankForm(assignment) {
  return {
    id: S.uuid(), incident: assignment.incident, assignment: assignment.id, base_version: null,
    people_served: 1, needs: [], services_provided: [], disposition: "", followup_needed: false, referral_needed: false,
    followup_when: "", referral_service: "", referral_consent: false, narrative: "", coverage: "",
    person: { name: "", age_range: "", language: "", housing_status: "" },
  };
}

export async function openForm(assignmentId, encounterId) {
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
        narrative: current.narrative || "", coverage: current.coverage || "", person: { name: "", age_range: "", language: "", housing_status: "", ...(current.person || {}) },
      };
    }
  } else {
    form = drafts.find((d) => d.incident === assignment.incident && d.base_version === null) || blankForm(assignment);
  }
  if (!form.custom) {
    const encounter = encounterId && state.encounters.find((e) => e.id === encounterId);
    startAnswers(form, encounter && encounter.current ? encounter.current.custom : null);
  }
  state.form = form;
  state.view = "form";
  await saveDraft();
  render();
}

let draftWrites = 0;

export async function saveDraft() {
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

export function compactPerson(person) {
  return Object.fromEntries(Object.entries(person || {}).filter(([, v]) => v !== "" && v !== null && v !== undefined));
}

/** A check-in the responder asked for, on one of the server's follow-up options. */
function followupMutation(form) {
  const option = vocab().followup_options.find((o) => o.code === form.followup_when);
  if (!form.followup_needed || !option || !state.boot || !state.boot.team) return null;
  const due = new Date(Date.now() + option.due_in_hours * 3600000);
  return {
    type: "followup.create", record: S.uuid(),
    data: { kind: option.kind, due_at: due.toISOString(), team: state.boot.team.id, encounter: form.id, notes: "" },
  };
}

export async function submitForm() {
  const form = state.form;
  if (!form.disposition) { say(gettext("Choose how the encounter ended (the big buttons)."), "error"); return; }
  if (Object.keys(answerProblems(form)).length) {
    form.customChecked = true;
    await saveDraft();
    render();
    say(gettext("Some program questions need an answer (marked in the form)."), "error");
    return;
  }
  const custom = customData(form);
  const data = {
    incident: form.incident, assignment: form.assignment, disposition: form.disposition, people_served: form.people_served,
    needs: form.needs, services_provided: form.services_provided, followup_needed: form.followup_needed,
    referral_needed: form.referral_needed, narrative: form.narrative.trim(), person: compactPerson(form.person),
    // Left out when not chosen: the server keeps the previous version's coverage.
    ...(form.coverage ? { coverage: form.coverage } : {}),
    // The program's own questions, with the version they were asked from (questions.js).
    ...(custom ? { custom } : {}),
  };
  const amend = form.base_version !== null && form.base_version !== undefined;
  await S.enqueue({ type: amend ? "encounter.amend" : "encounter.create", record: form.id, base_version: amend ? form.base_version : null, data });
  const previous = state.encounters.find((e) => e.id === form.id);
  await S.put("encounters", {
    id: form.id, incident: form.incident, assignment: form.assignment, version: form.base_version || 0, pending: true,
    current: { ...data, number: (form.base_version || 0) + 1, authored_by: state.user.username },
    notes: (previous && previous.notes) || [],
  });
  const followup = followupMutation(form);
  if (followup) await S.enqueue(followup);
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
  backToCalls(sentSummary(form, followup));
  await kick();
}

/** What the responder just sent, in words: how it ended, the referral, the check-in. */
function sentSummary(form, followup) {
  const v = vocab();
  const parts = [label(v.dispositions, form.disposition)];
  if (form.referral_needed && form.referral_service && form.referral_consent) {
    const service = ((state.resources && state.resources.results) || []).find((r) => String(r.id) === String(form.referral_service));
    parts.push(interpolate(gettext("referral to %(service)s"), { service: service ? service.name : form.referral_service }));
  } else if (form.referral_needed) {
    parts.push(gettext("referral noted for a supervisor (not shared)"));
  }
  if (followup) {
    const option = v.followup_options.find((o) => o.code === form.followup_when);
    parts.push(interpolate(gettext("check-in: %(when)s"), { when: option ? option.label : "" }));
  }
  return interpolate(gettext("Encounter saved: %(what)s."), { what: formatList(parts) });
}

export async function addNote(encounterId, text) {
  text = text.trim();
  if (!text) { say(gettext("The note is empty."), "error"); return; }
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

export async function resolveProblem(id, choice) {
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
