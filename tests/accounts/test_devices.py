"""Tablets: registering and enrolling one, signing in on it, and revoking it so every session ends."""

import pytest
from rest_framework.test import APIClient

from apps.accounts.models import Device, DeviceSession
from apps.audit.models import AuditEntry
from apps.streams.models import Event
from tests.factories import PASSWORD, DeviceFactory, device_key_for, enrollment_code_for

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login/"
ENROLL = "/api/v1/devices/enroll/"


def signed_in(user, device=None, key=None):
    client = APIClient(enforce_csrf_checks=True)
    body = {"username": user.username, "password": PASSWORD}
    if device is not None:
        body["device"] = str(device)
        body["device_key"] = key or device_key_for(device)
    response = client.post(LOGIN, body, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    return client


def login(user, **extra):
    return APIClient().post(LOGIN, {"username": user.username, "password": PASSWORD, **extra}, format="json")


@pytest.fixture
def registration(supervisor, team):
    response = signed_in(supervisor).post(
        "/api/v1/devices/", {"name": "Unit 3 tablet A", "team": team.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def tablet(registration):
    return Device.objects.get(pk=registration["id"])


def enroll(code):
    return APIClient().post(ENROLL, {"enrollment_code": code}, format="json")


def test_a_supervisor_registers_a_tablet(tablet, supervisor, team):
    assert tablet.team == team
    assert tablet.registered_by == supervisor
    assert AuditEntry.objects.filter(action="device.register", object_id=str(tablet.pk), door="api").exists()


def test_registration_gives_a_one_time_code_a_link_and_a_qr_code_and_stores_only_a_digest(registration, tablet):
    code = registration["enrollment_code"]
    assert len(code.replace("-", "")) == 12
    assert registration["enrollment_url"].endswith(f"/field/#enroll={code}")
    assert registration["enrollment_qr_svg"].startswith("<svg")
    assert registration["enrollment_expires_at"]
    stored = Device.objects.filter(pk=tablet.pk).values().get()
    assert code not in str(stored) and code.replace("-", "") not in str(stored)
    assert tablet.enrollment_code_digest


def test_the_tablet_exchanges_its_code_once_for_a_key(registration, tablet):
    answer = enroll(registration["enrollment_code"].lower())  # typed on a tablet: case does not matter
    assert answer.status_code == 200, answer.content
    assert answer.json()["device"] == str(tablet.pk)
    key = answer.json()["device_key"]
    assert len(key) >= 40
    assert "no-store" in answer["Cache-Control"]
    tablet.refresh_from_db()
    assert key not in str(Device.objects.filter(pk=tablet.pk).values().get())
    assert tablet.enrolled_at is not None

    replay = enroll(registration["enrollment_code"])
    assert replay.status_code == 401
    assert replay.json()["code"] == "enrollment_refused"
    assert AuditEntry.objects.filter(action="device.enroll", outcome="denied").exists()


def test_an_expired_or_made_up_code_is_refused(registration, tablet):
    Device.objects.filter(pk=tablet.pk).update(enrollment_expires_at="2020-01-01T00:00:00Z")
    assert enroll(registration["enrollment_code"]).status_code == 401
    assert enroll("AAAA-BBBB-CCCC").status_code == 401
    assert enroll("").status_code == 400


def test_a_new_code_replaces_the_old_one_and_the_key_changes_when_it_is_used(
    registration, tablet, supervisor, responder
):
    first = enroll(registration["enrollment_code"]).json()["device_key"]
    renewed = signed_in(supervisor).post(f"/api/v1/devices/{tablet.pk}/enrollment/", {}, format="json")
    assert renewed.status_code == 200
    assert login(responder, device=str(tablet.pk), device_key=first).status_code == 200  # still works meanwhile
    second = enroll(renewed.json()["enrollment_code"]).json()["device_key"]
    refused = login(responder, device=str(tablet.pk), device_key=first)
    assert refused.status_code == 401 and refused.json()["code"] == "device_required"
    assert login(responder, device=str(tablet.pk), device_key=second).status_code == 200


def test_a_responder_cannot_register_or_renew_a_tablet(responder, tablet):
    client = signed_in(responder, device=tablet.pk)
    assert client.post("/api/v1/devices/", {"name": "Mine"}, format="json").status_code == 403
    assert client.post(f"/api/v1/devices/{tablet.pk}/enrollment/", {}, format="json").status_code == 403


def test_a_responder_cannot_sign_in_without_naming_a_tablet(responder):
    answer = login(responder)
    assert answer.status_code == 401
    assert answer.json()["code"] == "device_required"
    assert "sessionid" not in answer.cookies
    denied = AuditEntry.objects.get(action="auth.login", outcome="denied")
    assert denied.actor == responder


def test_a_tablet_id_without_its_key_does_not_sign_in(responder, tablet):
    """The attack: a tablet id is no secret (labels, logs), so knowing it must not be enough."""
    assert login(responder, device=str(tablet.pk)).json()["code"] == "device_required"
    assert login(responder, device=str(tablet.pk), device_key="guess").status_code == 401
    other = DeviceFactory(team=tablet.team)
    assert login(responder, device=str(tablet.pk), device_key=device_key_for(other)).status_code == 401


def test_signing_in_on_a_tablet_records_the_session(tablet, responder):
    signed_in(responder, device=tablet.pk)
    device_session = DeviceSession.objects.get(device=tablet)
    assert device_session.user == responder
    assert device_session.ended_at is None
    tablet.refresh_from_db()
    assert tablet.last_user == responder
    assert tablet.last_seen_at is not None


def test_signing_in_with_an_unknown_tablet_is_refused(responder):
    response = login(responder, device="00000000-0000-4000-8000-000000000000", device_key="x" * 43)
    assert response.status_code == 401
    assert response.json()["code"] == "device_required"


def test_a_responder_cannot_open_a_session_on_the_sign_in_page(client, responder):
    """The attack: sign in on the HTML page instead, to get a session bound to no tablet."""
    page = client.post("/accounts/login/", {"username": responder.username, "password": PASSWORD})
    assert page.status_code == 200
    assert b"field app" in page.content
    assert "_auth_user_id" not in client.session


def test_revoking_a_tablet_ends_its_sessions_at_once(tablet, responder, supervisor):
    field = signed_in(responder, device=tablet.pk)
    assert field.get("/api/v1/auth/me/").status_code == 200

    response = signed_in(supervisor).post(f"/api/v1/devices/{tablet.pk}/revoke/", {"reason": "Lost"}, format="json")
    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None

    assert DeviceSession.objects.get(device=tablet).ended_at is not None
    assert field.get("/api/v1/auth/me/").status_code in {401, 403}
    assert AuditEntry.objects.filter(action="device.revoke", object_id=str(tablet.pk), door="api").exists()


def test_the_next_call_from_a_revoked_tablet_says_device_revoked(tablet, responder, supervisor):
    field = signed_in(responder, device=tablet.pk)
    signed_in(supervisor).post(f"/api/v1/devices/{tablet.pk}/revoke/", {"reason": "Lost"}, format="json")
    response = field.get("/api/v1/auth/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "device_revoked"


def test_a_revoked_tablet_found_by_the_session_guard_gets_401_device_revoked(responder, team):
    """The guard itself works when the session survives (e.g. revoked by another path)."""
    device = DeviceFactory(team=team)
    field = signed_in(responder, device=device.pk)
    Device.objects.filter(pk=device.pk).update(revoked_reason="stolen", revoked_at="2026-01-01T00:00:00Z")
    response = field.get("/api/v1/auth/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "device_revoked"
    assert field.get("/api/v1/auth/me/").status_code in {401, 403}  # and the session is gone


def test_signing_in_again_on_a_revoked_tablet_is_refused(tablet, responder, supervisor):
    key = device_key_for(tablet)
    signed_in(supervisor).post(f"/api/v1/devices/{tablet.pk}/revoke/", {}, format="json")
    response = login(responder, device=str(tablet.pk), device_key=key)
    assert response.status_code == 403
    assert response.json()["code"] == "device_revoked"
    assert "sessionid" not in response.cookies
    denied = AuditEntry.objects.get(action="auth.login", outcome="denied")
    assert denied.actor == responder
    assert denied.detail["device"] == str(tablet.pk)


def test_a_revoked_tablet_is_not_bypassed_by_signing_in_without_it(tablet, responder, supervisor):
    """The attack of issue 10: revoked, the responder signs in again naming no tablet."""
    signed_in(supervisor).post(f"/api/v1/devices/{tablet.pk}/revoke/", {}, format="json")
    assert login(responder).status_code == 401
    assert login(responder, device=None).status_code == 401


def test_a_revoked_tablet_cannot_enroll_again(registration, tablet, supervisor):
    signed_in(supervisor).post(f"/api/v1/devices/{tablet.pk}/revoke/", {}, format="json")
    assert enroll(registration["enrollment_code"]).status_code == 401
    renewed = signed_in(supervisor).post(f"/api/v1/devices/{tablet.pk}/enrollment/", {}, format="json")
    assert renewed.status_code == 400


def test_a_responder_cannot_revoke_a_tablet(tablet, responder):
    field = signed_in(responder, device=tablet.pk)
    response = field.post(f"/api/v1/devices/{tablet.pk}/revoke/", {}, format="json")
    assert response.status_code == 403
    tablet.refresh_from_db()
    assert not tablet.is_revoked
    assert field.get("/api/v1/auth/me/").status_code == 200


def test_revoking_appends_device_revoked_to_the_users_stream(tablet, responder, supervisor):
    signed_in(responder, device=tablet.pk)
    signed_in(supervisor).post(f"/api/v1/devices/{tablet.pk}/revoke/", {}, format="json")
    event = Event.objects.get(stream=f"user:{responder.pk}", kind="device.revoked")
    assert event.data["device"] == str(tablet.pk)


def test_revoking_twice_is_harmless(tablet, supervisor):
    client = signed_in(supervisor)
    first = client.post(f"/api/v1/devices/{tablet.pk}/revoke/", {}, format="json")
    second = client.post(f"/api/v1/devices/{tablet.pk}/revoke/", {}, format="json")
    assert first.status_code == second.status_code == 200
    assert first.json()["revoked_at"] == second.json()["revoked_at"]
    assert AuditEntry.objects.filter(action="device.revoke").count() == 1


def test_revoking_an_unknown_tablet_is_a_404(supervisor):
    response = signed_in(supervisor).post(
        "/api/v1/devices/00000000-0000-4000-8000-000000000000/revoke/", {}, format="json"
    )
    assert response.status_code == 404


def test_the_admin_shows_the_code_link_and_qr_code_once_after_registering(client, supervisor, team):
    client.force_login(supervisor)
    form = {"name": "Unit 5 tablet B", "team": team.pk, "sessions-TOTAL_FORMS": 0, "sessions-INITIAL_FORMS": 0}
    page = client.post("/admin/accounts/device/add/", form)
    assert page.status_code == 200
    body = page.content.decode()
    device = Device.objects.get(name="Unit 5 tablet B")
    assert 'id="enrollment-code"' in body and "<svg" in body and "/field/#enroll=" in body
    assert "no-store" in page["Cache-Control"]
    code = body.split('id="enrollment-code">')[1].split("<")[0]
    assert enroll(code).json()["device"] == str(device.pk)


def test_the_admin_gives_a_tablet_a_new_code(client, supervisor, tablet):
    client.force_login(supervisor)
    page = client.post("/admin/accounts/device/", {"action": "renew_enrollment", "_selected_action": [str(tablet.pk)]})
    assert page.status_code == 200
    code = page.content.decode().split('id="enrollment-code">')[1].split("<")[0]
    assert enroll(code).status_code == 200
    assert AuditEntry.objects.filter(action="device.enrollment_renew", door="admin").exists()


def test_enrollment_codes_made_by_the_demo_helper_work(tablet):
    assert enroll(enrollment_code_for(tablet)).status_code == 200
