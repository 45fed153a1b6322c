"""The second factor (django-otp): roles in FIRSTLINE_MFA_ROLES reach nothing past their password.

Through the real doors: the sign-in page and the admin, the API, the live stream. The TOTP code is
computed in the test from the secret the enrollment page shows, as a phone app would.
"""

import re
from base64 import b32decode

import pytest
from asgiref.sync import async_to_sync
from django.test import Client
from django_otp.oath import totp
from rest_framework.test import APIClient

from apps.accounts.roles import Role
from apps.audit.models import AuditEntry
from apps.streams.consumers import CLOSE_UNAUTHENTICATED
from tests.factories import PASSWORD, UserFactory
from tests.streams.helpers import close_code, communicator, headers_for, hello

pytestmark = pytest.mark.django_db

PAGE = "/accounts/second-factor/"


@pytest.fixture(autouse=True)
def mfa_for_supervisors(settings):
    settings.FIRSTLINE_MFA_ROLES = ["supervisor", "administrator"]


def page_sign_in(user) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    return client


def api_sign_in(user) -> tuple[APIClient, dict]:
    client = APIClient(enforce_csrf_checks=True)
    response = client.post("/api/v1/auth/login/", {"username": user.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    client.credentials(HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    return client, response.json()


def code_for(secret: str, drift: int = 0) -> str:
    return f"{totp(b32decode(secret), drift=drift):06d}"


def enroll(client: Client) -> tuple[str, list[str]]:
    """Go through the enrollment page as a person would: read the secret and codes, type a code."""
    page = client.get(PAGE).content.decode()
    secret = re.search(r'id="totp-secret">([A-Z2-7=]+)<', page).group(1)
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", page)
    assert "<svg" in page  # the QR code
    response = client.post(PAGE, {"code": code_for(secret), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    return secret, codes


def test_a_supervisor_with_only_a_password_is_sent_to_enroll_before_the_admin(supervisor):
    client = page_sign_in(supervisor)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(PAGE)
    assert client.get("/admin/accounts/user/").status_code == 302
    assert client.get("/board/").status_code == 302
    page = client.get(PAGE)
    assert page.status_code == 200
    assert b"Set up your second factor" in page.content


def test_a_supervisor_with_only_a_password_is_refused_by_supervisor_apis(supervisor):
    client, body = api_sign_in(supervisor)
    assert body["second_factor"] == "enroll"
    for door in ("/api/v1/board/", "/api/v1/incidents/"):
        response = client.get(door)
        assert response.status_code == 403, door
        assert response.json()["code"] == "second_factor_required"
    refused = client.post("/api/v1/devices/", {"name": "Unit 9 tablet"}, format="json")
    assert refused.status_code == 403
    assert client.get("/api/v1/auth/me/").status_code == 200  # still signed in, just held back


def test_enrolling_with_a_real_code_unlocks_the_admin_and_is_audited(supervisor):
    client = page_sign_in(supervisor)
    _, codes = enroll(client)
    assert len(codes) == 10
    assert client.get("/admin/").status_code == 200
    assert client.get("/api/v1/board/").status_code == 200
    assert AuditEntry.objects.filter(action="mfa.device.add", actor=supervisor, outcome="ok").count() == 1


def test_a_wrong_code_at_enrollment_unlocks_nothing_and_is_audited(supervisor):
    client = page_sign_in(supervisor)
    client.get(PAGE)
    wrong = client.post(PAGE, {"code": "000000"})
    assert wrong.status_code == 400
    assert b"does not match" in wrong.content
    assert client.get("/admin/").status_code == 302
    assert AuditEntry.objects.filter(action="mfa.device.add", actor=supervisor, outcome="denied").count() == 1


def test_the_next_sign_in_must_verify_and_a_recovery_code_works_only_once(supervisor):
    _, codes = enroll(page_sign_in(supervisor))

    again = page_sign_in(supervisor)
    assert again.get("/admin/").status_code == 302
    assert b"Confirm it is you" in again.get(PAGE).content
    assert again.post(PAGE, {"code": codes[0], "next": "/admin/"}).status_code == 302
    assert again.get("/admin/").status_code == 200

    third = page_sign_in(supervisor)
    reused = third.post(PAGE, {"code": codes[0], "next": "/admin/"})
    assert reused.status_code == 400
    assert third.get("/admin/").status_code == 302
    outcomes = list(
        AuditEntry.objects.filter(action="auth.second_factor", actor=supervisor).values_list("outcome", flat=True)
    )
    assert sorted(outcomes) == ["denied", "ok"]


def test_the_api_verifies_a_code_from_the_app(supervisor):
    secret, _ = enroll(page_sign_in(supervisor))
    client, body = api_sign_in(supervisor)
    assert body["second_factor"] == "verify"
    # The enrollment used this 30-second step's code; a phone shows the next one soon after.
    ok = client.post("/api/v1/auth/second-factor/", {"code": code_for(secret, drift=1)}, format="json")
    assert ok.status_code == 200, ok.content
    assert client.get("/api/v1/board/").status_code == 200


def test_an_administrator_is_held_back_too_and_other_roles_are_not(dispatcher):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    assert page_sign_in(administrator).get("/admin/").status_code == 302
    client, body = api_sign_in(dispatcher)
    assert body["second_factor"] == "not_required"
    assert client.get("/api/v1/board/").status_code == 200


def test_with_no_roles_listed_supervisors_sign_in_with_a_password(settings, supervisor):
    settings.FIRSTLINE_MFA_ROLES = []
    assert page_sign_in(supervisor).get("/admin/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_supervisor_owing_a_second_factor_cannot_follow_the_live_stream(supervisor):
    headers = headers_for(supervisor)

    async def scenario():
        comm = communicator(headers)
        connected, _ = await comm.connect()
        assert connected
        assert await close_code(comm) == CLOSE_UNAUTHENTICATED
        await comm.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_a_verified_supervisor_follows_the_live_stream(supervisor):
    client = page_sign_in(supervisor)
    enroll(client)
    headers = [
        (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()),
        (b"origin", b"http://testserver"),
    ]

    async def scenario():
        comm = communicator(headers)
        answer = await hello(comm, {"board": 0})
        assert answer["type"] != "closed", answer
        await comm.disconnect()

    async_to_sync(scenario)()
