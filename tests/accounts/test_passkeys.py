"""Passkeys and security keys as the second factor (django-otp-webauthn), through the real doors.

A software key (tests/accounts/authenticator.py) signs real answers, so the library's whole check
runs: a wrong origin, a replayed answer or a key of another account is refused, and audited.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.roles import Role
from apps.accounts.selectors import passkeys_of, second_factor_devices, second_factor_summary
from apps.audit.models import AuditEntry
from tests.accounts.authenticator import SoftwareKey
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/accounts/second-factor/"
MANAGE = "/accounts/second-factor/manage/"
ORIGIN = "http://testserver"  # the test client's own origin: the default when none is configured


@pytest.fixture(autouse=True)
def mfa_for_supervisors(settings):
    settings.FIRSTLINE_MFA_ROLES = ["supervisor", "administrator"]


def page_sign_in(user) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    return client


def post_json(client: Client, name: str, body: dict | None = None, **query):
    url = reverse(f"otp_webauthn:{name}")
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def add_key(client: Client, key: SoftwareKey, name: str, *, page: str = PAGE, origin: str = ORIGIN):
    """Name the key on the page, then run the ceremony the library's script runs; returns the answer."""
    named = client.post(page, {"passkey_name": name, "next": "/admin/"})
    assert named.status_code == 302, named.content
    assert f"Add “{name}”" in client.get(named["Location"]).content.decode()
    options = post_json(client, "credential-registration-begin")
    assert options.status_code == 200, options.content
    return post_json(client, "credential-registration-complete", key.create(options.json(), origin=origin))


def verify_with(client: Client, key: SoftwareKey, *, origin: str = ORIGIN):
    options = post_json(client, "credential-authentication-begin")
    assert options.status_code == 200, options.content
    answer = key.get(options.json(), origin=origin)
    return post_json(client, "credential-authentication-complete", answer, next="/admin/"), answer


def enrolled_with_key(user, name="Blue key") -> SoftwareKey:
    key = SoftwareKey()
    client = page_sign_in(user)
    assert add_key(client, key, name).status_code == 200
    return key


def test_a_supervisor_enrolls_with_a_named_key_and_it_unlocks_the_admin(supervisor):
    client = page_sign_in(supervisor)
    assert client.get("/admin/").status_code == 302
    page = client.get(PAGE).content.decode()
    assert "Or a passkey or security key" in page
    key = SoftwareKey()

    added = add_key(client, key, "Blue key")

    assert added.status_code == 200, added.content
    assert client.get("/admin/").status_code == 200
    summary = second_factor_summary(supervisor)
    assert [k["name"] for k in summary["passkeys"]] == ["Blue key"]
    assert summary["recovery_codes_left"] == 10  # the codes the page showed count from now on
    assert not summary["authenticator_app"]
    entry = AuditEntry.objects.get(action="mfa.device.add", actor=supervisor)
    assert entry.outcome == "ok"
    assert entry.detail["devices"] == ["passkey", "recovery codes"]
    assert entry.detail["name"] == "Blue key"


def test_the_next_sign_in_gives_the_key_instead_of_a_code_and_each_try_is_audited(supervisor):
    key = enrolled_with_key(supervisor)
    client = page_sign_in(supervisor)
    assert client.get("/admin/").status_code == 302
    page = client.get(PAGE).content.decode()
    assert 'id="passkey-verification-button"' in page
    assert "django_otp_webauthn/otp_webauthn_auth.js" in page

    verified, _ = verify_with(client, key)

    assert verified.status_code == 200, verified.content
    assert verified.json()["redirect_url"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    entry = AuditEntry.objects.get(action="auth.second_factor", actor=supervisor)
    assert (entry.outcome, entry.detail["device"], entry.detail["name"]) == ("ok", "passkey", "Blue key")
    logins = AuditEntry.objects.filter(action="auth.login", actor=supervisor, outcome="ok").count()
    assert logins == 2  # the password sign-ins are audited as before; the key adds no login row


def test_a_replayed_answer_is_refused(supervisor, caplog):
    key = enrolled_with_key(supervisor)
    first = page_sign_in(supervisor)
    ok, answer = verify_with(first, key)
    assert ok.status_code == 200

    thief = page_sign_in(supervisor)  # someone with the password who captured the key's answer
    without_challenge = post_json(thief, "credential-authentication-complete", answer)
    assert without_challenge.status_code == 403
    assert without_challenge.json()["code"] == "invalid_state"
    post_json(thief, "credential-authentication-begin")  # a fresh challenge: the old answer does not sign it
    replayed = post_json(thief, "credential-authentication-complete", answer)
    assert replayed.status_code == 403
    assert replayed.json()["code"] == "invalid_authentication_response"
    assert "challenge was not expected challenge" in caplog.text
    assert thief.get("/admin/").status_code == 302
    denied = AuditEntry.objects.filter(action="auth.second_factor", outcome="denied")
    reasons = sorted(entry.detail["reason"] for entry in denied)
    assert reasons == ["invalid_authentication_response", "invalid_state"]


def test_an_answer_from_another_origin_is_refused(supervisor, settings, caplog):
    settings.FIRSTLINE_WEBAUTHN_RP_ID = "firstline.example"
    settings.FIRSTLINE_WEBAUTHN_ORIGINS = ["https://firstline.example"]
    key = SoftwareKey()
    assert add_key(page_sign_in(supervisor), key, "Blue key", origin="https://firstline.example").status_code == 200

    client = page_sign_in(supervisor)
    phished, _ = verify_with(client, key, origin="https://firstline.example.evil.test")
    assert phished.status_code == 403
    assert client.get("/admin/").status_code == 302
    assert 'Unexpected client data origin "https://firstline.example.evil.test"' in caplog.text
    entry = AuditEntry.objects.get(action="auth.second_factor", outcome="denied")
    assert entry.detail == {"device": "passkey", "reason": "invalid_authentication_response"}
    # The page's own origin is not enough either once origins are configured.
    assert verify_with(client, key, origin=ORIGIN)[0].status_code == 403
    assert verify_with(client, key, origin="https://firstline.example")[0].status_code == 200


def test_a_key_of_another_account_is_refused(supervisor):
    other = UserFactory(role=Role.SUPERVISOR, username="supervisor-b")
    enrolled_with_key(supervisor)
    others_key = enrolled_with_key(other)
    client = page_sign_in(supervisor)
    refused, _ = verify_with(client, others_key)
    assert refused.status_code == 403
    assert refused.json()["code"] == "credential_user_mismatch"
    assert client.get("/admin/").status_code == 302


def test_an_unverified_session_cannot_add_a_key_to_an_enrolled_account(supervisor):
    enrolled_with_key(supervisor)
    client = page_sign_in(supervisor)  # password only
    assert post_json(client, "credential-registration-begin").status_code == 403
    assert client.post(MANAGE, {"passkey_name": "Spare"}).status_code == 302  # sent to verify first
    assert len(passkeys_of(supervisor)) == 1


def test_keys_are_added_and_removed_from_the_list_but_never_the_last_one(supervisor):
    blue = enrolled_with_key(supervisor)
    client = page_sign_in(supervisor)
    assert verify_with(client, blue)[0].status_code == 200
    duplicate = client.post(MANAGE, {"passkey_name": "blue KEY"})
    assert duplicate.status_code == 400
    assert add_key(client, SoftwareKey(), "Spare key", page=MANAGE).status_code == 200
    page = client.get(MANAGE).content.decode()
    assert "Blue key" in page and "Spare key" in page
    spare, blue_row = passkeys_of(supervisor)

    assert client.post(MANAGE, {"remove": spare.pk}).status_code == 302
    last = client.post(MANAGE, {"remove": blue_row.pk})
    assert last.status_code == 400
    assert "only second factor" in last.content.decode()
    assert [k.name for k in passkeys_of(supervisor)] == ["Blue key"]
    assert client.post(MANAGE, {"remove": 999999}).status_code == 400
    removed = AuditEntry.objects.get(action="mfa.device.remove", actor=supervisor)
    assert removed.detail == {"removed": [f"passkey:{spare.pk}"], "name": "Spare key"}
    assert AuditEntry.objects.filter(action="mfa.device.add", outcome="ok").count() == 2


def test_the_admin_shows_factors_without_secrets_and_only_an_administrator_resets_them(supervisor):
    other = UserFactory(role=Role.SUPERVISOR, username="supervisor-b")
    enrolled_with_key(other, name="Green key")
    key = passkeys_of(other).get()
    change_url = reverse("admin:accounts_user_change", args=[other.pk])
    action = {"action": "reset_second_factor", "_selected_action": [other.pk]}

    as_supervisor = page_sign_in(supervisor)
    assert add_key(as_supervisor, SoftwareKey(), "Blue key").status_code == 200  # verifies this session
    page = as_supervisor.get(change_url).content.decode()
    assert "Green key" in page and "Recovery codes left: 10" in page
    assert key.public_key.hex() not in page and key.credential_id_sha256 not in page
    as_supervisor.post(reverse("admin:accounts_user_changelist"), action, follow=True)
    assert len(second_factor_devices(other)) == 2  # the key and the recovery codes are still there

    administrator = UserFactory(role=Role.ADMINISTRATOR, username="administrator-a")
    as_admin = page_sign_in(administrator)
    assert add_key(as_admin, SoftwareKey(), "Admin key").status_code == 200
    as_admin.post(reverse("admin:accounts_user_changelist"), action, follow=True)
    assert second_factor_devices(other) == []
    entry = AuditEntry.objects.get(action="mfa.device.remove", object_id=str(other.pk))
    assert entry.actor == administrator
    assert f"webauthncredential:{key.pk}" in entry.detail["removed"]
