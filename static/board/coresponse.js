/* Co-responses in the board's call detail: police, fire or EMS asked to the call, why, when they
   arrived and left, how it ended (GET/POST /api/v1/board/incidents/<id>/co-responses/, PATCH
   /api/v1/board/co-responses/<id>/). A request or a change made anywhere (a tablet, another
   dispatcher) arrives as a `co_response.*` event carrying the whole record, so the section redraws
   from the event without reading again. */
import { refusalText, request } from "../common/api.js";
import { coResponseTimes } from "../common/coresponse.js";
import { gettext, interpolate } from "../common/i18n.js";
import { el, flash } from "./state.js";

const kept = new Map(); // incident id -> { rows, vocab }
const drafts = new Map(); // incident id -> the ask form's values, kept across the redraws events cause

function option(item, chosen) {
  const node = el("option", { value: item.code }, item.name);
  if (item.code === chosen) node.selected = true;
  return node;
}

async function send(method, url, body, done, redraw, saved = () => {}) {
  const answer = await request(url, { method, body }).catch(() => null);
  if (!answer || !answer.ok) {
    if (answer && answer.status === 409 && answer.body.server) upsert(answer.body.server);
    flash(refusalText(answer && answer.body, gettext("Could not save. Try again.")), true);
  } else {
    upsert(answer.body);
    saved();
    flash(done);
  }
  redraw();
}

function upsert(row) {
  const entry = kept.get(row.incident);
  if (!entry) return;
  const index = entry.rows.findIndex((r) => r.id === row.id);
  if (index === -1) entry.rows.push(row);
  else if (entry.rows[index].version <= row.version) entry.rows[index] = row;
}

/** Apply a `co_response.*` event; true when the call is one whose section is kept (redraw it). */
export function applyCoResponseEvent(event) {
  const row = event.data || {};
  if (!kept.has(row.incident)) return false;
  upsert(row);
  return true;
}

function rowItem(row, vocab, redraw) {
  const url = `/api/v1/board/co-responses/${row.id}/`;
  const why = row.reason === "other" ? row.reason_text : row.reason_name;
  const buttons = [];
  if (!row.arrived_at) {
    buttons.push(el("button", { type: "button", class: "secondary", onclick: () =>
      send("PATCH", url, { arrived_at: new Date().toISOString() }, interpolate(gettext("%(agency)s arrived."), { agency: row.agency_name }), redraw) },
    gettext("Arrived")));
  } else if (!row.left_at) {
    buttons.push(el("button", { type: "button", class: "secondary", onclick: () =>
      send("PATCH", url, { left_at: new Date().toISOString() }, interpolate(gettext("%(agency)s left."), { agency: row.agency_name }), redraw) },
    gettext("Left")));
  }
  const outcome = el("select", { "aria-label": interpolate(gettext("How it ended for %(agency)s"), { agency: row.agency_name }) },
    el("option", { value: "" }, gettext("How it ended…")), ...vocab.outcomes.map((o) => option(o, row.outcome)));
  outcome.addEventListener("change", () => {
    if (outcome.value) send("PATCH", url, { outcome: outcome.value, base_version: row.version }, gettext("Outcome saved."), redraw);
  });
  return el("li", { "data-co-response": row.id },
    el("strong", {}, row.agency_name), ` · ${why} · ${coResponseTimes(row)}`,
    row.outcome ? el("span", { class: "outcome" }, ` · ${row.outcome_name}`) : "",
    el("span", { class: "controls" }, ...buttons, outcome));
}

function askForm(incidentId, vocab, redraw) {
  const agency = el("select", { name: "agency", "aria-label": gettext("Agency") }, ...vocab.agencies.map((a) => option(a)));
  const reason = el("select", { name: "reason", "aria-label": gettext("Why") }, ...vocab.reasons.map((r) => option(r)));
  const text = el("input", { name: "reason_text", type: "text", maxlength: "300", placeholder: gettext("In a few words (needed for Other)"), "aria-label": gettext("Why, in a few words") });
  const form = el("form", { class: "ask-agency controls" }, agency, reason, text, el("button", { type: "submit" }, gettext("Ask to come")));
  const draft = drafts.get(incidentId);
  if (draft) { agency.value = draft.agency; reason.value = draft.reason; text.value = draft.text; }
  form.addEventListener("input", () => drafts.set(incidentId, { agency: agency.value, reason: reason.value, text: text.value }));
  form.addEventListener("change", () => drafts.set(incidentId, { agency: agency.value, reason: reason.value, text: text.value }));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const body = { id: crypto.randomUUID(), agency: agency.value, reason: reason.value, reason_text: text.value };
    const name = agency.selectedOptions[0].textContent;
    send("POST", `/api/v1/board/incidents/${incidentId}/co-responses/`, body, interpolate(gettext("%(agency)s asked to come."), { agency: name }), redraw, () => drafts.delete(incidentId));
  });
  return form;
}

/** The section for one call; empty when the read is refused or fails (the rest of the detail stands).
    `fresh` reads it again (a dispatcher choosing the call); otherwise the kept copy, which events update. */
export async function coResponseSection(incidentId, fresh, redraw) {
  if (fresh || !kept.has(incidentId)) {
    const answer = await request(`/api/v1/board/incidents/${incidentId}/co-responses/`).catch(() => null);
    if (!answer || !answer.ok) return [];
    const { co_responses: rows, ...vocab } = answer.body;
    kept.set(incidentId, { rows, vocab });
  }
  const { rows, vocab } = kept.get(incidentId);
  const list = rows.length
    ? el("ul", { class: "co-response-list" }, ...rows.map((row) => rowItem(row, vocab, redraw)))
    : el("p", { class: "empty" }, gettext("No other agency asked to this call."));
  return [el("section", { class: "co-responses", id: "co-responses" },
    el("h3", {}, gettext("Police, fire, EMS")), list, askForm(incidentId, vocab, redraw))];
}
