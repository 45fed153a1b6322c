/* Police, fire or EMS on the tablet's call view: what was asked for the call (from the bootstrap, so
   it shows with no signal), a tap-first way to ask, and "arrived", "left" and how it ended. Each step
   is a mutation in the outbox (co_response.request / co_response.update) and shows at once here,
   marked as not yet sent. */
import { coResponseTimes } from "../common/coresponse.js";
import { gettext, interpolate } from "../common/i18n.js";
import { kick } from "./net.js";
import { esc, render, S, say, state, vocab } from "./state.js";

const NO_LISTS = { agencies: [], reasons: [], outcomes: [] };
const lists = () => vocab().co_response || NO_LISTS;
const nameOf = (items, code) => (items.find((item) => item.code === code) || { name: code }).name;

function rowsOf(incidentId) {
  const all = (state.boot && state.boot.co_responses) || {};
  return all[String(incidentId)] || [];
}

async function keep(incidentId, rows) {
  state.boot.co_responses = { ...(state.boot.co_responses || {}), [String(incidentId)]: rows };
  await S.put("cache", state.boot, "bootstrap");
}

/** The form's choices while the responder makes them (kept across redraws). */
function ask(incidentId) {
  if (!state.coAsk || state.coAsk.incident !== incidentId) state.coAsk = { incident: incidentId, agency: "", reason: "", text: "", open: false };
  return state.coAsk;
}

function chips(action, items, chosen) {
  return `<div class="chips">${items.map((item) => `<button type="button" class="chip" data-action="${action}" data-code="${esc(item.code)}" aria-pressed="${item.code === chosen}">${esc(item.name)}</button>`).join("")}</div>`;
}

function rowBlock(row) {
  const l = lists();
  const why = row.reason === "other" ? row.reason_text : nameOf(l.reasons, row.reason);
  const step = !row.arrived_at ? ["arrived", gettext("They arrived")] : !row.left_at ? ["left", gettext("They left")] : null;
  return `<li class="co-response" data-co-response="${esc(row.id)}">
    <strong>${esc(nameOf(l.agencies, row.agency))}</strong> · ${esc(why)}${row.pending ? ` · <span class="hint">${esc(gettext("not sent yet"))}</span>` : ""}
    <div class="hint">${esc(coResponseTimes(row))}${row.outcome ? ` · ${esc(nameOf(l.outcomes, row.outcome))}` : ""}</div>
    <div class="row">${step ? `<button type="button" class="btn" data-action="co-step" data-id="${esc(row.id)}" data-step="${step[0]}">${esc(step[1])}</button>` : ""}
      <label class="inline">${esc(gettext("How it ended"))}
        <select data-co-outcome="${esc(row.id)}"><option value="">—</option>${l.outcomes.map((o) => `<option value="${esc(o.code)}"${o.code === row.outcome ? " selected" : ""}>${esc(o.name)}</option>`).join("")}</select></label></div>
  </li>`;
}

export function coResponseBlock(incidentId) {
  const rows = rowsOf(incidentId);
  const l = lists();
  const a = ask(incidentId);
  const list = rows.length ? `<ul class="co-response-list">${rows.map(rowBlock).join("")}</ul>` : "";
  const form = a.open ? `<div class="co-ask" id="co-ask">
      <p class="label">${esc(gettext("Which agency?"))}</p>${chips("co-agency", l.agencies, a.agency)}
      <p class="label">${esc(gettext("Why?"))}</p>${chips("co-reason", l.reasons, a.reason)}
      <label>${esc(gettext("In a few words (needed for Other)"))}<input type="text" id="co-text" maxlength="300" value="${esc(a.text)}"></label>
      <div class="row"><button type="button" class="btn btn-primary" data-action="co-ask">${esc(gettext("Ask to come"))}</button>
        <button type="button" class="btn" data-action="co-cancel">${esc(gettext("Cancel"))}</button></div>
    </div>` : `<button type="button" class="btn" data-action="co-open">${esc(gettext("Ask for police, fire or EMS"))}</button>`;
  return `<section class="co-responses" id="co-responses"><h2>${esc(gettext("Police, fire, EMS"))}</h2>${list}${form}</section>`;
}

/** A tap in the section; true when it was one of ours. */
export async function coResponseAction(action, target) {
  const incidentId = state.boot && (state.boot.assignments || []).find((x) => String(x.id) === String(state.selected))?.incident;
  if (incidentId === undefined || !action.startsWith("co-")) return false;
  const a = ask(incidentId);
  if (action === "co-open") { a.open = true; render(); }
  else if (action === "co-cancel") { state.coAsk = null; render(); }
  else if (action === "co-agency") { a.agency = target.dataset.code; render(); }
  else if (action === "co-reason") { a.reason = target.dataset.code; render(); }
  else if (action === "co-ask") await request(incidentId, a);
  else if (action === "co-step") await update(incidentId, target.dataset.id, { [target.dataset.step]: true });
  else return false;
  return true;
}

/** Typing in the "why" box, and the outcome list. */
export function coResponseInput(element) {
  if (element.id === "co-text" && state.coAsk) { state.coAsk.text = element.value; return true; }
  return false;
}
export async function coResponseChange(element) {
  const id = element.dataset.coOutcome;
  if (!id) return false;
  const row = Object.values((state.boot && state.boot.co_responses) || {}).flat().find((r) => r.id === id);
  if (row) await update(row.incident, id, { outcome: element.value });
  return true;
}

async function request(incidentId, a) {
  if (!a.agency || !a.reason) { say(gettext("Choose the agency and why."), "error"); return; }
  if (a.reason === "other" && !a.text.trim()) { say(gettext("Say why in a few words."), "error"); return; }
  const id = S.uuid();
  const data = { incident: incidentId, agency: a.agency, reason: a.reason, reason_text: a.text.trim() };
  await S.enqueue({ type: "co_response.request", record: id, data });
  const now = new Date().toISOString();
  await keep(incidentId, rowsOf(incidentId).concat([{ id, ...data, requested_at: now, arrived_at: null, left_at: null, outcome: "", version: 1, pending: true }]));
  const agency = nameOf(lists().agencies, a.agency);
  state.coAsk = null;
  say(`${interpolate(gettext("%(agency)s asked to come."), { agency })} ${navigator.onLine ? gettext("Sending now.") : gettext("It is sent when there is signal.")}`, "ok");
  render();
  await kick();
}

async function update(incidentId, id, change) {
  const rows = rowsOf(incidentId);
  const row = rows.find((r) => r.id === id);
  if (!row) return;
  await S.enqueue({ type: "co_response.update", record: id, base_version: row.version, data: change });
  const now = new Date().toISOString();
  const local = { ...row, pending: true };
  if (change.arrived) local.arrived_at = now;
  if (change.left) local.left_at = now;
  if (change.outcome !== undefined) local.outcome = change.outcome;
  await keep(incidentId, rows.map((r) => (r.id === id ? local : r)));
  render();
  await kick();
}
