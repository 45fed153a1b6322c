/* Where the tablet is, watched while the app is open (Geolocation). Two uses: the emergency button
   sends the last position at once, and while the team is available or on a call the tablet reports
   it to dispatch (AVL) as a `position.report` change in the outbox: at most every `moving_seconds`
   while moving, every `still_seconds` when not (bootstrap `position_report`), so with no signal the
   positions wait and go in order, each with the time it was taken. Nothing ever waits for a
   position: no Geolocation, or a refusal, means none. */
let last = null;
let watching = false;
let reporter = null; // (position) => void, set by the app once it is signed in
let reported = null; // { latitude, longitude, at } of the last report queued

export function watchPosition() {
  if (watching || !navigator.geolocation) return;
  watching = true;
  try {
    navigator.geolocation.watchPosition(
      (p) => {
        last = { latitude: p.coords.latitude, longitude: p.coords.longitude, accuracy: p.coords.accuracy, at: p.timestamp || Date.now() };
        if (reporter) reporter(last);
      },
      () => { /* refused or unavailable: no position */ },
      { enableHighAccuracy: true, maximumAge: 10000 },
    );
  } catch (error) { /* some browsers throw without a secure context */ }
}

export const lastPosition = () => (last ? { ...last } : null);

/** Metres between two points (haversine; close enough for "has it moved?"). */
export function metresBetween(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371000 * Math.asin(Math.sqrt(h));
}

/** Whether this fix is worth a report: the first one, a move after the moving interval, or the
    still interval gone by. */
export function worthReporting(fix, rules, previous = reported) {
  if (!previous) return true;
  const age = (fix.at - previous.at) / 1000;
  if (age >= rules.still_seconds) return true;
  return age >= rules.moving_seconds && metresBetween(previous, fix) >= rules.moved_metres;
}

/** Start reporting: `send(fix)` queues one report; `wanted()` says whether the team is reporting now. */
export function reportPositions({ wanted, rules, send }) {
  reporter = (fix) => {
    if (!wanted() || !worthReporting(fix, rules())) return;
    reported = { latitude: fix.latitude, longitude: fix.longitude, at: fix.at };
    send(fix);
  };
  // A still tablet may get no new fix for a while: look again now and then with the last one.
  setInterval(() => { if (last && reporter) reporter({ ...last, at: Math.max(last.at, Date.now()) }); }, 5000);
  watchPosition();
}
