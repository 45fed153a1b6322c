/* Where the tablet last was, watched while the app is open (Geolocation). None when the device has
   no Geolocation or the responder refused it: nothing here ever waits for a position. */
let last = null;
let watching = false;

export function watchPosition() {
  if (watching || !navigator.geolocation) return;
  watching = true;
  try {
    navigator.geolocation.watchPosition(
      (p) => { last = { latitude: p.coords.latitude, longitude: p.coords.longitude, accuracy: p.coords.accuracy }; },
      () => { /* refused or unavailable: no position */ },
      { enableHighAccuracy: true, maximumAge: 30000 },
    );
  } catch (error) { /* some browsers throw without a secure context */ }
}

export const lastPosition = () => (last ? { ...last } : null);
