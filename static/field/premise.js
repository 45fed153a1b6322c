/* Premise history on the tablet's call view: prior calls at or near the address and the location's
   caution notes, from the bootstrap (kept on the tablet, so it shows with no signal). */
import { formatDateTime } from "../common/format.js";
import { gettext, interpolate } from "../common/i18n.js";
import { esc, state } from "./state.js";

export function premiseBlock(incidentId) {
  const history = state.boot && state.boot.premise_history && state.boot.premise_history[String(incidentId)];
  if (!history) return "";
  const cautions = history.cautions.map((c) => `<li class="caution"><strong>${esc(c.flag_names.join(", ") || gettext("Caution"))}</strong>: ${esc(c.note)}</li>`).join("");
  const calls = history.prior_calls.map((p) => {
    const where = p.match === "address" ? gettext("same address") : interpolate(gettext("%(metres)s m away"), { metres: p.distance_m });
    const flags = p.safety_flags.length ? ` · ⚠ ${esc(p.safety_flags.join(", "))}` : "";
    return `<li>${esc(formatDateTime(p.received_at))} · ${esc(p.call_type_name || gettext("Call"))} · ${esc(p.disposition_name || gettext("No disposition"))} · ${esc(where)}${flags}</li>`;
  }).join("");
  const none = !cautions && !calls;
  return `<section class="premise" id="premise"><h2>${esc(gettext("Premise history"))}</h2>
    ${cautions ? `<ul class="cautions">${cautions}</ul>` : ""}
    ${calls ? `<ul class="prior-calls">${calls}</ul>` : ""}
    ${none ? `<p class="empty">${esc(interpolate(gettext("No earlier calls here in the last %(months)s months."), { months: history.months }))}</p>` : ""}
  </section>`;
}
