// After django-otp-webauthn's script has added a key, go on: to where the person was going (setup
// page) or back to the list of factors. The URL comes from the page (data-done-url), checked there.
document.addEventListener("otp_webauthn.register_complete", () => {
  const box = document.getElementById("passkey");
  window.location.assign((box && box.dataset.doneUrl) || "/");
});
