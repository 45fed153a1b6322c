/* Words shown to people come from the translation catalog (Django's JavaScriptCatalog for the
   page's language, loaded before a page renders). Without a catalog the English source is shown.
   Every user-facing literal in static JS goes through these functions (tests/common/test_js_strings.py). */

const catalog = () => globalThis.django || null;
const COOKIE = "django_language";

export function gettext(msgid) {
  const django = catalog();
  return django ? django.gettext(msgid) : msgid;
}

export function ngettext(singular, plural, count) {
  const django = catalog();
  return django ? django.ngettext(singular, plural, count) : count === 1 ? singular : plural;
}

export function pgettext(context, msgid) {
  const django = catalog();
  return django ? django.pgettext(context, msgid) : msgid;
}

/** "%(name)s" from an object, or "%s" in order from an array. */
export function interpolate(format, values) {
  if (Array.isArray(values)) {
    let index = 0;
    return format.replace(/%s/g, () => String(values[index++] ?? ""));
  }
  return format.replace(/%\((\w+)\)s/g, (match, name) => String(values[name] ?? ""));
}

/** The page's language: the one chosen on this device (field app), else the one the server rendered. */
export function pageLanguage() {
  return document.documentElement.lang || "en";
}

export function isSourceLanguage(language) {
  return !language || language.toLowerCase().startsWith("en");
}

export function catalogUrl(language) {
  return `/jsi18n/?lang=${encodeURIComponent(language)}`;
}

/** Use `language` from now on: drop the catalog in use, load the one for `language` (English needs
    none). Resolves to whether a catalog was loaded; a page that cannot load it shows English. */
export function loadCatalog(language) {
  const django = catalog();
  if (django) django.catalog = {};
  document.documentElement.lang = language || "en";
  if (isSourceLanguage(language)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const script = document.createElement("script");
    script.src = catalogUrl(language);
    script.onload = () => { script.remove(); resolve(true); };
    script.onerror = () => { script.remove(); resolve(false); };
    document.head.append(script);
  });
}

/** Remember the language for this browser: Django's language cookie, read on every request. */
export function rememberLanguage(language) {
  const secure = location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `${COOKIE}=${encodeURIComponent(language)}; Path=/; Max-Age=31536000; SameSite=Lax${secure}`;
}
