"""Tablets: signing in on one, and revoking it so every session on it ends at once."""

import pytest
from rest_framework.test import APIClient

from apps.accounts.models import Device, DeviceSession
from apps.audit.models import AuditEntry
from apps.streams.models import Event
from tests.factories import PASSWORD, DeviceFactory

pytestmark = pytest.mark.django_db


def signed_in(user, device=None):
    client = APIClient(enforce_csrf_checks=True)
    body = {"username": user.username, "password": PASSWORD}
    if device is not None:
        body["device"] = str(device)
    response = client.post("/api/v1/auth/login/", body, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    return client


@pytest.fixture
def tablet(supervisor, team):
    response = signed_in(supervisor).post(
        "/api/v1/devices/", {"name": "Unit 3 tablet A", "team": team.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    return Device.objects.get(pk=response.json()["id"])


def test_a_supervisor_registers_a_tablet(tablet, supervisor, team):
    assert tablet.team == team
    assert tablet.registered_by == supervisor
    assert AuditEntry.objects.filter(action="device.register", object_id=str(tablet.pk), door="api").exists()


def test_a_responder_cannot_register_a_tablet(responder):
    response = signed_in(responder).post("/api/v1/devices/", {"name": "Mine"}, format="json")
    assert response.status_code == 403


def test_signing_in_on_a_tablet_records_the_session(tablet, responder):
    signed_in(responder, device=tablet.pk)
    device_session = DeviceSession.objects.get(device=tablet)
    assert device_session.user == responder
    assert device_session.ended_at is None
    tablet.refresh_from_db()
    assert tablet.last_user == responder
    assert tablet.last_seen_at is not None


def test_signing_in_with_an_unknown_tablet_is_refused(responder):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/login/",
        {"username": responder.username, "password": PASSWORD, "device": "00000000-0000-4000-8000-000000000000"},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "device_revoked"


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
    signed_in(supervisor).post(f"/api/v1/devices/{tablet.pk}/revoke/", {}, format="json")
    client = APIClient()
    response = client.post(
        "/api/v1/auth/login/",
        {"username": responder.username, "password": PASSWORD, "device": str(tablet.pk)},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "device_revoked"
    assert "sessionid" not in response.cookies
    denied = AuditEntry.objects.get(action="auth.login", outcome="denied")
    assert denied.actor == responder
    assert denied.detail["device"] == str(tablet.pk)


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
