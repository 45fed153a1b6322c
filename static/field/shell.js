/* The shell's version and service worker address, read from this script tag's data attributes so the
   page carries no inline script (the Content-Security-Policy allows none). */
(function () {
  const data = document.currentScript.dataset;
  window.FL_SHELL = { version: data.version, sw: data.sw };
})();
