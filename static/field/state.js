/* The field app's one shared state, and the small helpers every part of it uses. */
import { gettext } from "../common/i18n.js";

export const S = window.FLStore;

export const TIMER_MS = 20000;

export const state = {
  view: "calls", boot: null, resources: null, encounters: [], user: null, device: null, deviceKey: null, deviceName: "",
  selected: null, form: null, stream: null, refreshTimer: null, lastContact: 0, lastBoot: 0, streamDownAt: 0, lastInput: Date.now(),
  locked: false, stopped: false, resQuery: "", resNeed: "", problems: [], pending: 0, knownAssignments: null, confirmation: "", card: null,
};
// Tests and the CSP check read the socket as FL.state.ws.
Object.defineProperty(state, "ws", { get: () => (state.stream ? state.stream.socket : null) });

export const $ = (selector) => document.querySelector(selector);
export const esc = (value) => String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

const EMPTY_VOCAB = { needs: {}, services_provided: {}, dispositions: {}, statuses: {}, age_ranges: [], housing: {}, transitions: {}, followup_options: [] };

/** The words and choices the server sent with the bootstrap (in the language of that request). */
export const vocab = () => ({ ...EMPTY_VOCAB, ...((state.boot && state.boot.vocab) || {}) });

export function label(map, code) { return (map && map[code]) || code; }

/** An assignment status in words: the server's vocabulary, or the app's own for the first step. */
export function statusWords(status) {
  if (status === "dispatched") return gettext("New call — not acknowledged");
  return label(vocab().statuses, status);
}

export function say(text, kind = "") {
  const box = $("#message");
  // A confirmation stays at the head of the sync's later words until something else is said.
  if (!text || !text.startsWith(state.confirmation)) state.confirmation = "";
  if (!text) { box.hidden = true; return; }
  box.className = `notice ${kind}`;
  box.textContent = text;
  box.hidden = false;
}

/** The sync's own notices ("3 changes sent", "the server could not take them"): a quiet line of its
    own, so they never replace what the responder was told in #message, nor a new call's alert. */
export function note(text, kind = "") {
  const line = $("#sync-note");
  if (!line) return;
  line.className = `sync-note ${kind}`;
  line.textContent = text || "";
  line.hidden = !text;
  clearTimeout(note.timer);
  if (text && kind !== "error") note.timer = setTimeout(() => { line.hidden = true; }, 8000);
}

/** Whoever renders registers here, so the parts below the screen need not import it. */
export const screen = { render: () => {} };
export const render = () => screen.render();
