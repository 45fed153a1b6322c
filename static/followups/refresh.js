/* The supervision page stays current: it reloads itself every minute, except while someone is using
   one of its buttons or forms (then it waits). A script, not <meta http-equiv="refresh">, which
   screen readers announce as a page change the reader did not ask for and cannot pause. */
const EVERY_MS = 60000;

function reloadWhenIdle() {
  const active = document.activeElement;
  if (active && active !== document.body && active.closest("form, .fu-table")) {
    setTimeout(reloadWhenIdle, 10000);
    return;
  }
  window.location.reload();
}

setTimeout(reloadWhenIdle, EVERY_MS);
