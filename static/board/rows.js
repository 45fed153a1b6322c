/* Live events update the board row by row (issue 20): what an event carries is applied at once
   (board.js), and the rows it changed beyond that (a new call, a recommendation, a team's current
   call) are fetched alone from GET /api/v1/board/rows/?incidents=…&teams=…, in the snapshot's own
   shapes. So the board's traffic per event is one small answer, whatever the number of calls; the
   whole snapshot is fetched only at start, after `resync`, after a dropped connection, or when one burst
   of events names more rows than it is worth fetching one by one. */
import { state } from "./state.js";

/** Events a moment apart are fetched together, each row once. */
const GATHER_MS = 200;
/** Past this many rows named in one burst, the snapshot is one request instead. */
const ROWS_MAX = 20;
/** A team that changes status changes the recommendation of calls still waiting: the first few in the queue. */
const WAITING_MAX = 10;

const wanted = { incidents: new Set(), teams: new Set() };
let timer = null;
let running = Promise.resolve();
let hooks = { api: null, snapshot: null, render: null, waiting: () => [] };

/** api(method, url), snapshot(), render(), waiting(): the ids of calls with no team, in queue order. */
export function setUpRows(given) { hooks = { ...hooks, ...given }; }

export function wantRows({ incidents = [], teams = [] }) {
  for (const id of incidents) if (Number.isInteger(id)) wanted.incidents.add(id);
  for (const id of teams) if (Number.isInteger(id)) wanted.teams.add(id);
  if (!wanted.incidents.size && !wanted.teams.size) return;
  clearTimeout(timer);
  timer = setTimeout(() => { running = running.then(fetchRows).catch(() => {}); }, GATHER_MS);
}

/** The rows an event changed beyond what it carries. */
export function rowsFor(event) {
  const data = event.data || {};
  if (event.kind === "policy.published") return null; // response targets: the snapshot
  if (/^(encounter|followup|referral|resource)\./.test(event.kind)) return { incidents: [], teams: [] }; // no row shows them
  const incidents = [data.incident, data.candidate, data.duplicate_of].filter(Number.isInteger);
  const teams = Number.isInteger(data.team) ? [data.team] : [];
  // A team free or busy again: the recommendation of the calls still waiting may change.
  if (event.kind === "team.status" || event.kind.startsWith("assignment.")) incidents.push(...hooks.waiting().slice(0, WAITING_MAX));
  return { incidents, teams };
}

async function fetchRows() {
  const incidents = [...wanted.incidents];
  const teams = [...wanted.teams];
  wanted.incidents.clear();
  wanted.teams.clear();
  if (!incidents.length && !teams.length) return;
  if (incidents.length + teams.length > ROWS_MAX) { await hooks.snapshot(); return; }
  const query = new URLSearchParams();
  if (incidents.length) query.set("incidents", incidents.join(","));
  if (teams.length) query.set("teams", teams.join(","));
  const rows = await hooks.api("GET", `/api/v1/board/rows/?${query}`);
  for (const row of rows.incidents) state.incidents.set(row.id, row);
  for (const id of rows.gone) state.incidents.delete(id);
  for (const row of rows.teams) {
    state.teams.set(row.id, row);
    if (!state.teamOrder.includes(row.id)) state.teamOrder.push(row.id);
  }
  if (state.selected !== null && !state.incidents.has(state.selected)) state.selected = null;
  root().dataset.rowFetches = String(Number(root().dataset.rowFetches || 0) + 1);
  hooks.render();
}

const root = () => document.getElementById("board");
