/* Dates, times and numbers in the program's time zone and the page's language (Intl), one helper
   for every screen. The server says the zone (the bootstrap's or the page's `time_zone`); until it
   does, the browser's own zone is used. */
import { pageLanguage } from "./i18n.js";

const settings = { timeZone: undefined, language: undefined };

export function configureFormat({ timeZone, language } = {}) {
  if (timeZone) settings.timeZone = timeZone;
  if (language) settings.language = language;
}

const lang = () => settings.language || pageLanguage();

function formatter(options) {
  try {
    return new Intl.DateTimeFormat(lang(), { timeZone: settings.timeZone, ...options });
  } catch (error) {
    return new Intl.DateTimeFormat(undefined, options); // an unknown zone or language: still show something
  }
}

const asDate = (value) => (value instanceof Date ? value : new Date(value));

export function formatTime(value) {
  return formatter({ hour: "2-digit", minute: "2-digit" }).format(asDate(value));
}

/** The program's zone as people say it now ("MST", "GMT-7"), to name it where a time could be misread. */
export function zoneName(value = new Date()) {
  const part = formatter({ timeZoneName: "short" }).formatToParts(asDate(value)).find((p) => p.type === "timeZoneName");
  return part ? part.value : "";
}

export function formatDateTime(value) {
  return formatter({ dateStyle: "medium", timeStyle: "short" }).format(asDate(value));
}

export function formatNumber(value, options = {}) {
  return new Intl.NumberFormat(lang(), options).format(value);
}

/** A list of words joined the way the language joins them ("a, b y c"). */
export function formatList(items) {
  try {
    return new Intl.ListFormat(lang(), { style: "short", type: "unit" }).format(items.map(String));
  } catch (error) {
    return items.join(", ");
  }
}

/** Monday = 0, as the directory's opening hours count days. */
export function weekdayName(index) {
  const monday = new Date(Date.UTC(2024, 0, 1 + index)); // 1 January 2024 was a Monday
  return new Intl.DateTimeFormat(lang(), { weekday: "short", timeZone: "UTC" }).format(monday);
}

/** The weekday (Monday = 0) and minutes since midnight now, in `zone`: for "open now". */
export function zonedNow(zone, now = new Date()) {
  const numbers = { year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", hourCycle: "h23" };
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone: zone || undefined, ...numbers }).formatToParts(now).map((part) => [part.type, Number(part.value)])
  );
  const weekday = (new Date(Date.UTC(parts.year, parts.month - 1, parts.day)).getUTCDay() + 6) % 7; // Sunday is 0 in JS
  return { weekday, minutes: parts.hour * 60 + parts.minute };
}

/** A running clock for durations: "4:05", "1:02:09" (the same in every language). */
export function formatDuration(seconds) {
  const s = Math.max(0, Math.floor(Math.abs(seconds)));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return (h ? `${h}:${String(m).padStart(2, "0")}` : String(m)) + `:${String(r).padStart(2, "0")}`;
}
