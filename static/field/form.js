/* The encounter form: big buttons to tap, few words to type, everything optional but the ending. */
import { gettext } from "../common/i18n.js";
import { compactPerson } from "./encounters.js";
import { esc, state, vocab } from "./state.js";

function chips(list, field, selected) {
  return `<div class="chips">${Object.entries(list).map(([code, text]) => `<button type="button" class="chip" data-action="toggle" data-list="${field}" data-code="${esc(code)}" aria-pressed="${selected.includes(code)}">${esc(text)}</button>`).join("")}</div>`;
}

function pick(field, options, value, big = false) {
  return `<div class="${big ? "big-choices" : "chips"}">${Object.entries(options).map(([code, text]) => `<button type="button" class="chip" data-action="pick" data-field="${field}" data-code="${esc(code)}" aria-pressed="${value === code}">${esc(text)}</button>`).join("")}</div>`;
}

const t = (msgid) => esc(gettext(msgid));

function nextSteps(f, v) {
  const services = ((state.resources && state.resources.results) || [])
    .filter((r) => !f.needs.length || (r.needs || []).some((n) => f.needs.includes(n))).slice(0, 10);
  const when = Object.fromEntries(v.followup_options.map((o) => [o.code, o.label]));
  let referral = "";
  if (f.referral_needed && services.length) {
    referral = `<p class="hint">${t("Refer to (from the resource directory):")}</p>${pick("referral_service", Object.fromEntries(services.map((s) => [s.id, s.name])), f.referral_service)}
      <div class="chips"><button type="button" class="chip" data-action="flag" data-field="referral_consent" aria-pressed="${f.referral_consent}">${t("Person agreed to share their details with this service")}</button></div>`;
  } else if (f.referral_needed) {
    referral = `<p class="hint">${t("No matching services on this tablet. The referral is noted on the encounter.")}</p>`;
  }
  return `<fieldset><legend>${t("Next steps")}</legend><div class="chips">
      <button type="button" class="chip" data-action="flag" data-field="followup_needed" aria-pressed="${f.followup_needed}">${t("Follow-up needed")}</button>
      <button type="button" class="chip" data-action="flag" data-field="referral_needed" aria-pressed="${f.referral_needed}">${t("Referral needed")}</button></div>
      ${f.followup_needed ? `<p class="hint">${t("When should someone check in?")}</p>${pick("followup_when", when, f.followup_when)}` : ""}
      ${referral}
    </fieldset>`;
}

export function viewForm() {
  const f = state.form;
  const v = vocab();
  const ages = Object.fromEntries((v.age_ranges || []).map((x) => (Array.isArray(x) ? x : [x, x])));
  return `<h1>${f.base_version ? t("Change encounter") : t("Document encounter")}</h1>
    <p class="hint">${t("Saved on this tablet as you go. Only “How did it end?” is required.")}</p>
    <fieldset><legend>${t("People served")}</legend><div class="stepper">
      <button type="button" class="btn" data-action="people" data-step="-1" aria-label="${t("One fewer person")}">−</button>
      <output id="people-served" aria-live="polite">${esc(f.people_served)}</output>
      <button type="button" class="btn" data-action="people" data-step="1" aria-label="${t("One more person")}">+</button></div></fieldset>
    <fieldset><legend>${t("Needs identified")}</legend>${chips(v.needs, "needs", f.needs)}</fieldset>
    <fieldset><legend>${t("Services provided")}</legend>${chips(v.services_provided, "services_provided", f.services_provided)}</fieldset>
    <fieldset><legend>${t("How did it end?")}</legend>${pick("disposition", v.dispositions, f.disposition, true)}</fieldset>
    ${nextSteps(f, v)}
    <label for="narrative">${t("What happened (a few lines)")}</label>
    <textarea id="narrative" data-field="narrative" rows="4" maxlength="4000">${esc(f.narrative)}</textarea>
    <details ${Object.keys(compactPerson(f.person)).length ? "open" : ""}><summary>${t("Person details (optional — skip if unknown)")}</summary>
      <label for="person-name">${t("Name or alias")}</label><input id="person-name" data-person="name" value="${esc(f.person.name)}" autocomplete="off">
      <p class="hint">${t("Age range")}</p>${pick("person.age_range", ages, f.person.age_range)}
      <label for="person-language">${t("Language")}</label><input id="person-language" data-person="language" value="${esc(f.person.language)}" autocomplete="off">
      <p class="hint">${t("Housing")}</p>${pick("person.housing_status", v.housing || {}, f.person.housing_status)}
    </details>`;
}

export function actionsForm() {
  return `<button type="button" class="btn btn-primary" data-action="submit-form">${t("Save and send")}</button>
    <button type="button" class="btn" data-action="close-form">${t("Keep as draft")}</button>`;
}
