/* When police, fire or EMS were asked, arrived and left, in one line: the board's call detail and the
   tablet's call view say it the same way. */
import { formatDateTime } from "./format.js";
import { gettext, interpolate } from "./i18n.js";

export function coResponseTimes(row) {
  const parts = [interpolate(gettext("asked %(time)s"), { time: formatDateTime(row.requested_at) })];
  if (row.arrived_at) parts.push(interpolate(gettext("arrived %(time)s"), { time: formatDateTime(row.arrived_at) }));
  if (row.left_at) parts.push(interpolate(gettext("left %(time)s"), { time: formatDateTime(row.left_at) }));
  return parts.join(" · ");
}
