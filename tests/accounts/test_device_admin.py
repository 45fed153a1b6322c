"""The tablet pages of the supervisor admin: registering and revoking go through the accounts services;
session keys never show.
"""

import pytest
from django.contrib.sessions.models import Session

from apps.accounts.models import Device, DeviceSession
from apps.audit.models import AuditEntry
from tests.admin_pages import client_for, inline_management_data, url_for, world  # noqa: F401 (the world fixture)
from tests.factories import DeviceFactory

pytestmark = pytest.mark.django_db


def test_the_revoke_action_ends_the_tablets_sessions_at_once(supervisor, responder, team, api):
    device = DeviceFactory(team=team)
    api.login_as(responder, device=device.pk)
    session_key = DeviceSession.objects.get(device=device).session_key
    assert Session.objects.filter(session_key=session_key).exists()

    response = client_for(supervisor).post(
        url_for(Device, "changelist"), {"action": "revoke_selected", "_selected_action": [str(device.pk)]}
    )
    assert response.status_code == 302

    device.refresh_from_db()
    assert device.revoked_by == supervisor
    assert device.revoked_reason == "Revoked by supervisor in admin"
    assert DeviceSession.objects.get(device=device).ended_at is not None
    assert not Session.objects.filter(session_key=session_key).exists()
    assert api.get("/api/v1/auth/me/").status_code in {401, 403}
    assert AuditEntry.objects.filter(action="device.revoke", door="admin", actor=supervisor).exists()


def test_registering_a_tablet_in_the_admin_goes_through_the_service(supervisor, team):
    client = client_for(supervisor)
    add = client.get(url_for(Device, "add"))
    response = client.post(
        url_for(Device, "add"), {"name": "Unit 9 tablet A", "team": team.pk, **inline_management_data(add)}
    )
    # Registering answers with the one-time enrollment page (code, link, QR code), not a redirect.
    assert response.status_code == 200, response.content.decode()[:2000]
    assert "Enroll Unit 9 tablet A" in response.content.decode()
    device = Device.objects.get(name="Unit 9 tablet A")
    assert device.registered_by == supervisor
    assert AuditEntry.objects.filter(action="device.register", object_id=str(device.pk), door="admin").exists()


def test_the_tablet_page_never_shows_session_keys(world, supervisor):
    device = world["device"]
    client = client_for(supervisor)
    assert "k" * 32 not in client.get(url_for(Device, "change", device.pk)).content.decode()
    device_session = DeviceSession.objects.get(device=device)
    assert "k" * 32 not in client.get(url_for(DeviceSession, "change", device_session.pk)).content.decode()
    assert "k" * 32 not in client.get(url_for(DeviceSession, "changelist")).content.decode()
