/* Talking to the server from a page: the CSRF token and JSON requests, one way for every screen.
   Answers are never thrown for an HTTP status: callers decide what a 401 or a 409 means to them. */

export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

/** Send JSON, read JSON: resolves to { status, ok, body } (body {} when the answer is not JSON).
    `csrf` is a fallback token (or a function giving one) for when the cookie is gone (the tablet offline).
    `timeout` (ms) gives up on a server that does not answer: the request rejects, as with no network. */
export async function request(path, { method = "GET", body, headers = {}, csrf, timeout } = {}) {
  const sent = { Accept: "application/json", ...headers };
  const options = { method, credentials: "same-origin", headers: sent };
  if (timeout) options.signal = AbortSignal.timeout(timeout);
  if (body !== undefined) {
    sent["Content-Type"] = "application/json";
    options.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  if (method !== "GET") sent["X-CSRFToken"] = csrfToken() || (typeof csrf === "function" ? await csrf() : csrf) || "";
  const response = await fetch(path, options);
  let answer = {};
  try { answer = await response.json(); } catch (error) { answer = {}; }
  return { status: response.status, ok: response.ok, body: answer || {} };
}

/** The server's words for a refusal: `detail`, or every field's messages joined; else the fallback. */
export function refusalText(body, fallback) {
  if (body && typeof body.detail === "string") return body.detail;
  const words = Object.values(body || {}).flat().filter((x) => typeof x === "string");
  return words.length ? words.join(" ") : fallback;
}
