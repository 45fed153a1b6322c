/* Premise history on the tablet's call view: prior calls at or near the address and the location's
   caution notes, from the bootstrap (kept on the tablet, so it shows with no signal). A busy address
   has dozens of earlier calls: the cautions, the latest few and every one with a safety flag show at
   once, the rest behind one tap, so the call itself stays near the top of the screen. */
import { formatDateTime } from "../common/format.js";
import { gettext, interpolate, ngettext } from "../common/i18n.js";
import { esc, state } from "./state.js";

const LATEST = 3;

function priorCall(p) {
  const where = p.match === "address" ? gettext("same address") : interpolate(gettext("%(metres)s m away"), { metres: p.distance_m });
  const flags = p.safety_flags.length ? ` · ⚠ ${esc(p.safety_flags.join(", "))}` : "";
  return `<li>${esc(formatDateTime(p.received_at))} · ${esc(p.call_type_name || gettext("Call"))} · ${esc(p.disposition_name || gettext("No disposition"))} · ${esc(where)}${flags}</li>`;
}

export function premiseBlock(incidentId) {
  const history = state.boot && state.boot.premise_history && state.boot.premise_history[String(incidentId)];
  if (!history) return "";
  const cautions = history.cautions.map((c) => `<li class="caution"><strong>${esc(c.flag_names.join(", ") || gettext("Caution"))}</strong>: ${esc(c.note)}</li>`).join("");
  const all = history.prior_calls;
  const open = state.premiseOpen === String(incidentId);
  const shown = open ? all : all.filter((p, index) => index < LATEST || p.safety_flags.length);
  const count = all.length
    ? `<p class="premise-count">${esc(interpolate(ngettext("%(count)s earlier call here in the last %(months)s months.", "%(count)s earlier calls here in the last %(months)s months.", all.length), { count: all.length, months: history.months }))}</p>`
    : "";
  const more = shown.length < all.length || open
    ? `<button type="button" class="btn" data-action="premise-all" data-id="${esc(incidentId)}" aria-expanded="${open}">${esc(open ? gettext("Show fewer") : interpolate(gettext("Show all %(count)s"), { count: all.length }))}</button>`
    : "";
  const none = !cautions && !all.length;
  return `<section class="premise" id="premise"><h2>${esc(gettext("Premise history"))}</h2>
    ${cautions ? `<ul class="cautions">${cautions}</ul>` : ""}
    ${count}${shown.length ? `<ul class="prior-calls">${shown.map(priorCall).join("")}</ul>` : ""}${more}
    ${none ? `<p class="empty">${esc(interpolate(gettext("No earlier calls here in the last %(months)s months."), { months: history.months }))}</p>` : ""}
  </section>`;
}

/** "Show all" / "Show fewer": true when the tap was this block's (the caller redraws). */
export function premiseAction(action, target) {
  if (action !== "premise-all") return false;
  state.premiseOpen = state.premiseOpen === target.dataset.id ? null : target.dataset.id;
  return true;
}
