/* The board's shared state and small helpers: a DOM builder, the status words, the flash line. */
import { formatDuration } from "../common/format.js";
import { gettext, pgettext } from "../common/i18n.js";

export const root = document.getElementById("board");

export const state = {
  incidents: new Map(), teams: new Map(), teamOrder: [], targets: {}, seq: 0, cursor: null,
  selected: null, stream: null, refreshTimer: null, lastRefresh: 0, clockSkew: 0, hadOutage: false,
};
// Tests close the socket as window.firstlineBoard.socket.
Object.defineProperty(state, "socket", { get: () => (state.stream ? state.stream.socket : null) });

/** What the queue and the detail panel do when a dispatcher clicks; board.js fills it in. */
export const actions = { select: () => {}, assign: () => {}, setStatus: () => {}, cancel: () => {}, reassign: () => {} };

export const $ = (id) => document.getElementById(id);

export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Team, assignment and incident statuses in words (the board's own short forms). */
export function statusLabel(status) {
  const words = {
    available: gettext("Available"), assigned: gettext("Assigned"), en_route: gettext("En route"), on_scene: gettext("On scene"),
    transporting: gettext("Transporting"), at_destination: gettext("At destination"), out_of_service: gettext("Out of service"),
    off_duty: gettext("Off duty"), dispatched: gettext("Dispatched"), acknowledged: gettext("Acknowledged"), cleared: gettext("Cleared"),
    cancelled: pgettext("status of a call or an assignment", "Cancelled"), pending: gettext("Waiting for a team"), closed: gettext("Closed"),
  };
  return words[status] || status;
}

export function now() { return Date.now() + state.clockSkew; }

export const clock = formatDuration;

export function since(iso) { return clock((now() - new Date(iso).getTime()) / 1000); }

export function flash(message, isError) {
  const box = $("flash");
  box.textContent = message;
  box.className = "flash" + (isError ? " error" : "");
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => { box.textContent = ""; }, 6000);
}

export function say(message) { $("live-status").textContent = message; }

export const activeAssignment = (a) => !["cleared", "cancelled"].includes(a.status);
