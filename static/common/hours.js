/* Opening hours in words, on the tablet as on the server (apps/resources/hours.py): "Open 24 hours,
   every day", equal days grouped ("Mon–Fri 09:00–17:00"), and "Open now" or when it opens next.
   Reads the field cache's rows: {weekday (Monday = 0), opens, closes, all_day}. */
import { weekdayName, zonedNow } from "./format.js";
import { gettext, interpolate, pgettext } from "./i18n.js";

const minutes = (t) => { const [h, m] = String(t).split(":").map(Number); return h * 60 + (m || 0); };

function span(row) {
  if (row.all_day) return gettext("Open 24 hours");
  const text = `${row.opens}–${row.closes}`;
  return minutes(row.closes) < minutes(row.opens) ? interpolate(gettext("%(hours)s (next day)"), { hours: text }) : text;
}

export function hoursSummary(rows) {
  if (!Array.isArray(rows) || !rows.length) return [];
  const byDay = new Map();
  for (let day = 0; day < 7; day++) {
    const spans = [...new Set(rows.filter((r) => r.weekday === day).map(span))].sort();
    if (spans.length) byDay.set(day, spans.join(", "));
  }
  if (byDay.size === 7 && [...byDay.values()].every((v) => v === gettext("Open 24 hours"))) return [gettext("Open 24 hours, every day")];
  const lines = [];
  let run = [];
  for (let day = 0; day <= 7; day++) {
    if (run.length && (day === 7 || byDay.get(day) !== byDay.get(run[0]))) {
      const days = run.length === 1 ? weekdayName(run[0]) : `${weekdayName(run[0])}–${weekdayName(run[run.length - 1])}`;
      lines.push(`${days} ${byDay.get(run[0])}`);
      run = [];
    }
    if (day < 7 && byDay.has(day)) run.push(day);
  }
  return lines;
}

/** "Open now", "Closed · opens at 09:00", "Closed · opens Mon 09:00", or "" without hours. */
export function openState(rows, zone, at = new Date()) {
  if (!Array.isArray(rows) || !rows.length) return "";
  const now = zonedNow(zone, at);
  const open = rows.some((r) => {
    if (r.all_day) return r.weekday === now.weekday;
    const o = minutes(r.opens); const c = minutes(r.closes);
    if (c > o) return r.weekday === now.weekday && now.minutes >= o && now.minutes < c;
    return (r.weekday === now.weekday && now.minutes >= o) || (r.weekday === (now.weekday + 6) % 7 && now.minutes < c);
  });
  if (open) return gettext("Open now");
  for (let offset = 0; offset < 8; offset++) {
    const day = (now.weekday + offset) % 7;
    const starts = rows.filter((r) => r.weekday === day).map((r) => minutes(r.opens)).filter((m) => offset > 0 || m > now.minutes).sort((a, b) => a - b);
    if (!starts.length) continue;
    const time = `${String(Math.floor(starts[0] / 60)).padStart(2, "0")}:${String(starts[0] % 60).padStart(2, "0")}`;
    if (offset === 0) return interpolate(gettext("Closed · opens at %(time)s"), { time });
    return interpolate(gettext("Closed · opens %(day)s %(time)s"), { day: weekdayName(day), time });
  }
  return pgettext("opening hours", "Closed");
}
