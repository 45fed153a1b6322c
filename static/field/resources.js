/* The resource directory, searchable offline, open services first. */
import { formatList, formatNumber, weekdayName, zonedNow } from "../common/format.js";
import { gettext, interpolate, ngettext } from "../common/i18n.js";
import { esc, state, vocab } from "./state.js";

const toMinutes = (t) => { const [h, m] = String(t).split(":").map(Number); return h * 60 + (m || 0); };

export function openNow(hours, zone) {
  if (!Array.isArray(hours) || !hours.length) return null;
  let now;
  try { now = zonedNow(zone); } catch (error) { return null; }
  return hours.some((h) => {
    const opens = toMinutes(h.opens);
    const closes = toMinutes(h.closes);
    if (closes > opens) return h.weekday === now.weekday && now.minutes >= opens && now.minutes < closes;
    return (h.weekday === now.weekday && now.minutes >= opens) || (h.weekday === (now.weekday + 6) % 7 && now.minutes < closes);
  });
}

/** Straight-line distance in km between two points (the board speaks km too). */
export function distanceKm(a, b) {
  if (!a || !b || a.latitude == null || b.latitude == null || a.longitude == null || b.longitude == null) return null;
  const rad = (x) => (Number(x) * Math.PI) / 180;
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 12742 * Math.asin(Math.sqrt(h));
}

const allDay = (h) => h.opens === "00:00" && ["23:59", "24:00", "00:00"].includes(h.closes);

/** When a closed service opens next: "at 08:00" today, or "Tue 08:00". */
function nextOpening(hours, zone) {
  if (!Array.isArray(hours) || !hours.length) return "";
  let now;
  try { now = zonedNow(zone); } catch (error) { return ""; }
  for (let ahead = 0; ahead < 8; ahead++) {
    const day = (now.weekday + ahead) % 7;
    const starts = hours.filter((h) => h.weekday === day && (ahead > 0 || toMinutes(h.opens) > now.minutes)).map((h) => h.opens).sort();
    if (!starts.length) continue;
    if (ahead === 0) return interpolate(gettext("opens at %(time)s"), { time: starts[0] });
    return interpolate(gettext("opens %(day)s %(time)s"), { day: weekdayName(day), time: starts[0] });
  }
  return "";
}

/** Opening hours as people say them: equal days grouped, "Open 24 hours" instead of 00:00–23:59. */
export function hoursText(hours) {
  const dayText = (d) => {
    const list = hours.filter((h) => h.weekday === d).sort((a, b) => toMinutes(a.opens) - toMinutes(b.opens));
    if (!list.length) return gettext("closed");
    if (list.some(allDay)) return gettext("open 24 hours");
    return list.map((h) => `${h.opens}–${h.closes}`).join(", ");
  };
  const groups = [];
  for (let d = 0; d < 7; d++) {
    const text = dayText(d);
    const last = groups[groups.length - 1];
    if (last && last.text === text) last.to = d;
    else groups.push({ from: d, to: d, text });
  }
  if (groups.length === 1) {
    return groups[0].text === gettext("open 24 hours") ? gettext("Open 24 hours, every day") : interpolate(gettext("Every day: %(hours)s"), { hours: groups[0].text });
  }
  return groups.map((g) => `${g.from === g.to ? weekdayName(g.from) : `${weekdayName(g.from)}–${weekdayName(g.to)}`} ${g.text}`).join("; ");
}

export function openBadge(open, hours, zone) {
  if (open === true) return `<span class="badge open-now">${esc(gettext("Open now"))}</span>`;
  if (open !== false) return `<span class="badge">${esc(gettext("Hours unknown"))}</span>`;
  const next = nextOpening(hours, zone);
  return `<span class="badge">${esc(next ? interpolate(gettext("Closed now, %(next)s"), { next }) : gettext("Closed now"))}</span>`;
}

export function capacityBadge(capacity) {
  if (!capacity || capacity.available == null) return "";
  const spots = interpolate(ngettext("%(count)s open spot", "%(count)s open spots", capacity.available), { count: formatNumber(capacity.available) });
  return `<span class="badge">${esc(spots)}${capacity.stale ? ` ${esc(gettext("(old count)"))}` : ""}</span>`;
}

function details(r) {
  const mapHref = r.latitude != null ? `geo:${r.latitude},${r.longitude}` : `geo:0,0?q=${encodeURIComponent(r.address)}`;
  const rows = [];
  if (r.address) rows.push(`<dt>${esc(gettext("Address"))}</dt><dd>${esc(r.address)} <a href="${mapHref}">${esc(gettext("map"))}</a></dd>`);
  if (r.phone) rows.push(`<dt>${esc(gettext("Phone"))}</dt><dd><a href="tel:${esc(r.phone)}">${esc(r.phone)}</a></dd>`);
  if (r.eligibility) rows.push(`<dt>${esc(gettext("Who"))}</dt><dd>${esc(r.eligibility)}</dd>`);
  if (r.min_age != null || r.max_age != null) rows.push(`<dt>${esc(gettext("Ages"))}</dt><dd>${esc(r.min_age ?? 0)}–${esc(r.max_age ?? gettext("any"))}</dd>`);
  if ((r.languages || []).length) rows.push(`<dt>${esc(gettext("Languages"))}</dt><dd>${esc(formatList(r.languages))}</dd>`);
  if ((r.hours || []).length) rows.push(`<dt>${esc(gettext("Hours"))}</dt><dd>${esc(hoursText(r.hours))}</dd>`);
  return `<dl class="kv">${rows.join("")}</dl>`;
}

export function viewResources() {
  const data = state.resources;
  const title = `<h1>${esc(gettext("Resources"))}</h1>`;
  if (!data) return `${title}<p class="empty">${esc(gettext("The directory loads the first time the tablet has signal."))}</p>`;
  if (data.available === false) return `${title}<p class="empty">${esc(data.detail || gettext("The resource directory is not available yet."))}</p>`;
  const zone = state.boot && state.boot.time_zone;
  const q = state.resQuery.trim().toLowerCase();
  const need = state.resNeed;
  const rows = (data.results || [])
    .filter((r) => !need || (r.needs || []).includes(need))
    .filter((r) => !q || [r.name, r.description, r.organization].some((x) => String(x || "").toLowerCase().includes(q)))
    .map((r) => ({ r, open: openNow(r.hours, zone) }))
    .sort((a, b) => (b.open === true) - (a.open === true) || String(a.r.name).localeCompare(String(b.r.name)));
  const v = vocab();
  const count = interpolate(ngettext("%(count)s service; open now first.", "%(count)s services; open now first.", rows.length), { count: rows.length });
  return `${title}
    <label for="res-q">${esc(gettext("Search by name"))}</label><input id="res-q" type="search" value="${esc(state.resQuery)}" autocomplete="off">
    <p class="hint" id="res-need-label">${esc(gettext("Need"))}</p><div class="chips chip-row" role="group" aria-labelledby="res-need-label">${Object.entries(v.needs).map(([code, text]) => `<button type="button" class="chip" data-action="res-need" data-code="${esc(code)}" aria-pressed="${need === code}">${esc(text)}</button>`).join("")}</div>
    <p class="hint" id="res-count">${esc(count)}</p>
    ${rows.map(({ r, open }) => `<article class="resource" data-resource="${esc(r.id)}"><h2>${esc(r.name)}</h2>
      ${openBadge(open, r.hours, zone)}${capacityBadge(r.capacity)}
      <p>${esc(r.organization || "")}</p>${r.description ? `<p>${esc(r.description)}</p>` : ""}
      ${details(r)}
    </article>`).join("")}`;
}
