/* Premise history in the board's call detail: prior calls at or near the address and the caution
   notes supervisors keep for the location (GET /api/v1/board/incidents/<id>/premise/, audited). */
import { request } from "../common/api.js";
import { formatDateTime } from "../common/format.js";
import { gettext, interpolate } from "../common/i18n.js";
import { el } from "./state.js";

function priorCall(p) {
  const where = p.match === "address" ? gettext("same address") : interpolate(gettext("%(metres)s m away"), { metres: p.distance_m });
  return el("li", {}, `${formatDateTime(p.received_at)} · ${p.reference} · ${p.call_type_name || gettext("Call")} · ${p.disposition_name || gettext("No disposition")} · ${where}`,
    p.safety_flags.length ? el("span", { class: "flags" }, ` · ⚠ ${p.safety_flags.join(", ")}`) : "");
}

const kept = new Map(); // incident id -> history: a quiet redraw on each event does not read it again

/** The section for one call; empty when the read is refused or fails (the rest of the detail stands).
    `fresh` reads it again (a dispatcher choosing the call); otherwise the copy read earlier is shown. */
export async function premiseSection(incidentId, fresh) {
  if (fresh || !kept.has(incidentId)) {
    const answer = await request(`/api/v1/board/incidents/${incidentId}/premise/`).catch(() => null);
    if (!answer || !answer.ok) return [];
    kept.set(incidentId, answer.body);
  }
  const h = kept.get(incidentId);
  const parts = [el("h3", {}, gettext("Premise history"))];
  if (h.cautions.length) {
    parts.push(el("ul", { class: "cautions" }, h.cautions.map((c) => el("li", {}, el("strong", {}, c.flag_names.join(", ") || gettext("Caution")), `: ${c.note}`))));
  }
  if (h.prior_calls.length) parts.push(el("ul", { class: "prior-calls" }, h.prior_calls.map(priorCall)));
  if (!h.cautions.length && !h.prior_calls.length) {
    parts.push(el("p", { class: "empty" }, interpolate(gettext("No earlier calls here in the last %(months)s months."), { months: h.months })));
  }
  return [el("section", { class: "premise", id: "premise" }, ...parts)];
}
