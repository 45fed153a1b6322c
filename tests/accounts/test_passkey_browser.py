"""A supervisor adds a passkey in a real browser and signs in with it, under the real CSP.

Chromium's virtual authenticator (Chrome DevTools Protocol, WebAuthn domain) stands in for the
security key; django-otp-webauthn's own script, served from our static files, talks to it. The
server runs at http://localhost:<port>: WebAuthn needs a host name, not an address.
"""

import pytest

from apps.audit.models import AuditEntry
from tests.factories import PASSWORD
from tests.servers import AsgiServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def mfa_server(transactional_db):
    server = AsgiServer(extra_env={"FIRSTLINE_MFA_ROLES": "supervisor,administrator"}).start()
    yield server
    server.stop()


def sign_in(page, user) -> None:
    page.goto("/accounts/login/?next=/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/second-factor/**")


def test_a_supervisor_adds_a_passkey_and_signs_in_with_it(chromium, mfa_server, supervisor):
    context = chromium.new_context(base_url=f"http://localhost:{mfa_server.port}")
    page = context.new_page()
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    devtools = context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    authenticator = devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )["authenticatorId"]
    try:
        sign_in(page, supervisor)
        page.fill("#id_passkey_name", "This laptop")
        page.click("form.passkey-name button[type=submit]")
        page.click("#passkey-register-button")  # appears once the library's script found WebAuthn
        page.wait_for_url("**/admin/")
        assert page.locator("#site-name, #header").first.is_visible()
        stored = devtools.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
        assert len(stored) == 1

        context.clear_cookies()  # signed out; the key stays in this tab's authenticator
        sign_in(page, supervisor)
        page.wait_for_function("() => !!document.getElementById('passkey-verification-button')")
        page.click("#passkey-verification-button")
        page.wait_for_url("**/admin/")
        assert "/accounts/" not in page.url
    finally:
        context.close()

    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    added = AuditEntry.objects.get(action="mfa.device.add", actor=supervisor)
    assert added.detail["name"] == "This laptop"
    used = AuditEntry.objects.get(action="auth.second_factor", actor=supervisor)
    assert (used.outcome, used.detail["device"]) == ("ok", "passkey")
