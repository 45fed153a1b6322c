"""The same service rule holds whichever door a request comes through: API, admin, or command line.

Revoking a tablet is the example: only a supervisor may, and the API, the admin action and
`manage.py revoke_device` all give the same answer because all three call `device_revoke`.
The other rules walked through every door: tests/test_same_rule_caller_data.py (a call's caller
data and location), tests/test_same_rule_admin_saves.py (admin saves that refuse before writing)
and tests/test_same_rule_events.py (writes announced on their stream).
"""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.models import Device
from apps.audit.models import AuditEntry
from apps.incidents import services as incident_services
from tests.doors import admin_as, api_as
from tests.factories import PASSWORD, DeviceFactory, device_key_for

pytestmark = pytest.mark.django_db


def revoke_in_admin(client: Client, device: Device):
    return client.post(
        reverse("admin:accounts_device_changelist"),
        {"action": "revoke_selected", "_selected_action": [str(device.pk)]},
    )


def revoked(device: Device) -> bool:
    device.refresh_from_db()
    return device.is_revoked


# --- a dispatcher is refused at every door ------------------------------------------------------


def test_a_dispatcher_cannot_revoke_a_tablet_through_the_api(dispatcher, team):
    device = DeviceFactory(team=team)
    response = api_as(dispatcher).post(f"/api/v1/devices/{device.pk}/revoke/", {"reason": "x"}, format="json")
    assert response.status_code == 403
    assert "supervisor" in response.json()["detail"]
    assert not revoked(device)


def test_a_dispatcher_cannot_even_enter_the_admin(dispatcher, team):
    device = DeviceFactory(team=team)
    client = admin_as(dispatcher)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    response = revoke_in_admin(client, device)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert not revoked(device)


def test_a_dispatcher_cannot_revoke_a_tablet_from_the_command_line(dispatcher, team):
    device = DeviceFactory(team=team)
    with pytest.raises(CommandError, match="Only a supervisor can revoke a tablet"):
        call_command("revoke_device", str(device.pk), "--by", dispatcher.username, "--reason", "lost")
    assert not revoked(device)


# --- a supervisor succeeds at every door --------------------------------------------------------


def test_a_supervisor_revokes_through_the_api(supervisor, team):
    device = DeviceFactory(team=team)
    response = api_as(supervisor).post(f"/api/v1/devices/{device.pk}/revoke/", {"reason": "lost"}, format="json")
    assert response.status_code == 200
    assert revoked(device)
    assert AuditEntry.objects.get(action="device.revoke").door == "api"


def test_a_supervisor_revokes_through_the_admin(supervisor, team):
    device = DeviceFactory(team=team)
    response = revoke_in_admin(admin_as(supervisor), device)
    assert response.status_code == 302
    assert revoked(device)
    assert AuditEntry.objects.get(action="device.revoke").door == "admin"


def test_a_supervisor_revokes_from_the_command_line(supervisor, responder, team, capsys):
    device = DeviceFactory(team=team)
    api_as(responder).post("/api/v1/auth/logout/")  # unrelated session, to be sure only the tablet's ends
    call_command("revoke_device", str(device.pk), "--by", supervisor.username, "--reason", "left in a cab")
    assert revoked(device)
    assert device.revoked_reason == "left in a cab"
    assert device.revoked_by == supervisor
    out = capsys.readouterr().out
    assert "Revoked tablet" in out and str(device.pk) in out
    entry = AuditEntry.objects.get(action="device.revoke")
    assert (entry.door, entry.actor) == ("command", supervisor)


def test_the_command_ends_the_tablets_open_sessions(supervisor, responder, team, capsys):
    device = DeviceFactory(team=team)
    field = APIClient()
    body = {"username": responder.username, "password": PASSWORD, "device": str(device.pk)}
    body["device_key"] = device_key_for(device)
    assert field.post("/api/v1/auth/login/", body, format="json").status_code == 200
    call_command("revoke_device", str(device.pk), "--by", supervisor.username)
    assert "1 open session(s) ended" in capsys.readouterr().out
    assert field.get("/api/v1/auth/me/").status_code in {401, 403}


def test_the_command_explains_bad_input(supervisor, team):
    device = DeviceFactory(team=team)
    with pytest.raises(CommandError, match="not a tablet id"):
        call_command("revoke_device", "tablet-7", "--by", supervisor.username)
    with pytest.raises(CommandError, match="No active user named 'nobody'"):
        call_command("revoke_device", str(device.pk), "--by", "nobody")
    with pytest.raises(CommandError, match="No such tablet"):
        call_command("revoke_device", "00000000-0000-4000-8000-000000000000", "--by", supervisor.username)


def test_the_command_says_so_when_the_tablet_was_already_revoked(supervisor, team, capsys):
    device = DeviceFactory(team=team)
    call_command("revoke_device", str(device.pk), "--by", supervisor.username)
    call_command("revoke_device", str(device.pk), "--by", supervisor.username)
    assert "already revoked" in capsys.readouterr().out
    assert AuditEntry.objects.filter(action="device.revoke").count() == 1


# --- the same holds for dispatching -------------------------------------------------------------


def test_a_responder_cannot_assign_a_team_through_the_api(responder, dispatcher, other_team):
    incident = incident_services.incident_create(actor=dispatcher, summary="Welfare check", location_text="Park")
    response = api_as(responder).post(
        f"/api/v1/incidents/{incident.pk}/assignments/", {"team": other_team.pk}, format="json"
    )
    assert response.status_code == 403
    assert not incident.assignments.exists()


def test_a_dispatcher_assigns_the_same_team_through_the_api(dispatcher, team):
    incident = incident_services.incident_create(actor=dispatcher, summary="Welfare check", location_text="Park")
    response = api_as(dispatcher).post(
        f"/api/v1/incidents/{incident.pk}/assignments/", {"team": team.pk}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["team"] == team.pk
