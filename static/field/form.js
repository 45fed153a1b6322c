/* The encounter form: big buttons to tap, few words to type, everything optional but the ending. */
import { formatNumber } from "../common/format.js";
import { gettext, interpolate } from "../common/i18n.js";
import { assignmentById, compactPerson } from "./encounters.js";
import { questionsBlock } from "./questions.js";
import { capacityBadge, distanceKm, openBadge, openNow } from "./resources.js";
import { esc, state, vocab } from "./state.js";

function chips(list, field, selected) {
  return `<div class="chips">${Object.entries(list).map(([code, text]) => `<button type="button" class="chip" data-action="toggle" data-list="${field}" data-code="${esc(code)}" aria-pressed="${selected.includes(code)}">${esc(text)}</button>`).join("")}</div>`;
}

function pick(field, options, value, big = false) {
  return `<div class="${big ? "big-choices" : "chips"}">${Object.entries(options).map(([code, text]) => `<button type="button" class="chip" data-action="pick" data-field="${field}" data-code="${esc(code)}" aria-pressed="${value === code}">${esc(text)}</button>`).join("")}</div>`;
}

/** Services to refer to, tap-first: who runs it, whether it is open, how far, how many spots. Open
    ones first, then the nearest. */
function referralChoices(f, services) {
  const assignment = assignmentById(f.assignment);
  const scene = assignment && assignment.incident_detail;
  const zone = state.boot && state.boot.time_zone;
  const rows = services.map((r) => ({ r, open: openNow(r.hours, zone), km: distanceKm(scene, r) }))
    .sort((a, b) => (b.open === true) - (a.open === true) || (a.km ?? Infinity) - (b.km ?? Infinity)).slice(0, 10);
  return `<div class="referral-choices">${rows.map(({ r, open, km }) => {
    const far = km === null ? "" : `<span class="badge">${esc(interpolate(gettext("%(km)s km"), { km: formatNumber(km, { maximumFractionDigits: 1 }) }))}</span>`;
    return `<button type="button" class="chip referral-choice" data-action="pick" data-field="referral_service" data-code="${esc(r.id)}" aria-pressed="${String(f.referral_service) === String(r.id)}">
      <strong>${esc(r.name)}</strong>${r.organization ? `<span class="hint">${esc(r.organization)}</span>` : ""}
      <span>${openBadge(open, r.hours, zone)}${far}${capacityBadge(r.capacity)}</span></button>`;
  }).join("")}</div>`;
}

function nextSteps(f, v) {
  const services = ((state.resources && state.resources.results) || [])
    .filter((r) => !f.needs.length || (r.needs || []).some((n) => f.needs.includes(n)));
  const when = Object.fromEntries(v.followup_options.map((o) => [o.code, o.label]));
  let referral = "";
  if (f.referral_needed && services.length) {
    referral = `<p class="hint">${esc(gettext("Refer to (from the resource directory):"))}</p>${referralChoices(f, services)}
      <div class="chips"><button type="button" class="chip" data-action="flag" data-field="referral_consent" aria-pressed="${f.referral_consent}">${esc(gettext("Person agreed to share their details with this service"))}</button></div>`;
  } else if (f.referral_needed) {
    referral = `<p class="hint">${esc(gettext("No matching services on this tablet. The referral is noted on the encounter."))}</p>`;
  }
  return `<fieldset><legend>${esc(gettext("Next steps"))}</legend><div class="chips">
      <button type="button" class="chip" data-action="flag" data-field="followup_needed" aria-pressed="${f.followup_needed}">${esc(gettext("Follow-up needed"))}</button>
      <button type="button" class="chip" data-action="flag" data-field="referral_needed" aria-pressed="${f.referral_needed}">${esc(gettext("Referral needed"))}</button></div>
      ${f.followup_needed ? `<p class="hint">${esc(gettext("When should someone check in?"))}</p>${pick("followup_when", when, f.followup_when)}` : ""}
      ${referral}
    </fieldset>`;
}

export function viewForm() {
  const f = state.form;
  const v = vocab();
  const ages = Object.fromEntries((v.age_ranges || []).map((x) => (Array.isArray(x) ? x : [x, x])));
  const fewer = esc(gettext("One fewer person"));
  const more = esc(gettext("One more person"));
  return `<h1>${f.base_version ? esc(gettext("Change encounter")) : esc(gettext("Document encounter"))}</h1>
    <p class="hint">${esc(gettext("Saved on this tablet as you go. Only “How did it end?” is required."))}</p>
    <fieldset><legend>${esc(gettext("People served"))}</legend><div class="stepper">
      <button type="button" class="btn" data-action="people" data-step="-1" aria-label="${fewer}">−</button>
      <output id="people-served" aria-live="polite">${esc(f.people_served)}</output>
      <button type="button" class="btn" data-action="people" data-step="1" aria-label="${more}">+</button></div></fieldset>
    <fieldset><legend>${esc(gettext("Needs identified"))}</legend>${chips(v.needs, "needs", f.needs)}</fieldset>
    <fieldset><legend>${esc(gettext("Services provided"))}</legend>${chips(v.services_provided, "services_provided", f.services_provided)}</fieldset>
    <fieldset><legend>${esc(gettext("How did it end?"))}</legend>${pick("disposition", v.dispositions, f.disposition, true)}</fieldset>
    ${questionsBlock(f)}
    ${nextSteps(f, v)}
    <label for="narrative">${esc(gettext("What happened (a few lines)"))}</label>
    <textarea id="narrative" data-field="narrative" rows="4" maxlength="4000">${esc(f.narrative)}</textarea>
    <details ${Object.keys(compactPerson(f.person)).length || f.coverage ? "open" : ""}><summary>${esc(gettext("Person details (optional — skip if unknown)"))}</summary>
      <label for="person-name">${esc(gettext("Name or alias"))}</label><input id="person-name" data-person="name" value="${esc(f.person.name)}" autocomplete="off">
      <p class="hint">${esc(gettext("Age range"))}</p>${pick("person.age_range", ages, f.person.age_range)}
      <label for="person-language">${esc(gettext("Language"))}</label><input id="person-language" data-person="language" value="${esc(f.person.language)}" autocomplete="off">
      <p class="hint">${esc(gettext("Housing"))}</p>${pick("person.housing_status", v.housing || {}, f.person.housing_status)}
      <p class="hint">${esc(gettext("How their care is paid for"))}</p>${pick("coverage", v.coverages || {}, f.coverage)}
    </details>`;
}

export function actionsForm() {
  return `<button type="button" class="btn btn-primary" data-action="submit-form">${esc(gettext("Save and send"))}</button>
    <button type="button" class="btn" data-action="close-form">${esc(gettext("Keep as draft"))}</button>`;
}
