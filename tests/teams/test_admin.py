"""The teams pages of the supervisor admin: teams, memberships, shifts and certifications, written
through the teams services.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.common.days import program_today
from apps.incidents import services as incident_services
from apps.streams.models import Event
from apps.teams.models import Certification, Membership, Shift, Team, UnitStatus
from tests.admin_pages import client_for, inline_management_data, url_for

pytestmark = pytest.mark.django_db


def test_creating_a_team_in_the_admin_calls_the_service_with_checked_capabilities(supervisor):
    client = client_for(supervisor)
    add = client.get(url_for(Team, "add"))
    assert 'type="checkbox" name="capabilities"' in add.content.decode()
    response = client.post(
        url_for(Team, "add"),
        {
            "call_sign": "CR-77",
            "name": "Night team",
            "capabilities": ["clinician", "emt"],
            **inline_management_data(add),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    team = Team.objects.get(call_sign="CR-77")
    assert team.capabilities == ["clinician", "emt"]
    assert AuditEntry.objects.filter(action="team.create", object_id=str(team.pk), door="admin").exists()


def test_a_duplicate_call_sign_is_shown_as_a_form_error(supervisor, team):
    client = client_for(supervisor)
    add = client.get(url_for(Team, "add"))
    response = client.post(url_for(Team, "add"), {"call_sign": team.call_sign, **inline_management_data(add)})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_editing_a_team_keeps_its_status_and_bumps_its_version(supervisor, team):
    client = client_for(supervisor)
    change = client.get(url_for(Team, "change", team.pk))
    data = {
        "call_sign": team.call_sign,
        "name": "Renamed",
        "capabilities": ["peer_support"],
        "active": "on",
        "status": UnitStatus.OFF_DUTY,  # read-only: ignored
        **inline_management_data(change),
    }
    response = client.post(url_for(Team, "change", team.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    before = team.version
    team.refresh_from_db()
    assert team.name == "Renamed"
    assert team.capabilities == ["peer_support"]
    assert team.status == UnitStatus.AVAILABLE
    assert team.version == before + 1


def test_the_status_actions_use_the_team_service(supervisor, team, dispatcher):
    client = client_for(supervisor)
    response = client.post(url_for(Team, "changelist"), {"action": "mark_off_duty", "_selected_action": [team.pk]})
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.status == UnitStatus.OFF_DUTY
    assert Event.objects.filter(stream="board", kind="team.status", data__status="off_duty").exists()
    assert AuditEntry.objects.filter(action="team.status", object_id=str(team.pk), door="admin").exists()

    client.post(url_for(Team, "changelist"), {"action": "mark_available", "_selected_action": [team.pk]})
    team.refresh_from_db()
    assert team.status == UnitStatus.AVAILABLE


def test_a_busy_team_cannot_be_marked_off_duty_from_the_admin(supervisor, dispatcher, team):
    incident = incident_services.incident_create(actor=dispatcher, summary="Welfare check", location_text="Park")
    incident_services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
    client = client_for(supervisor)
    response = client.post(
        url_for(Team, "changelist"), {"action": "mark_off_duty", "_selected_action": [team.pk]}, follow=True
    )
    assert response.status_code == 200
    assert "is working a call" in response.content.decode()
    team.refresh_from_db()
    assert team.status == UnitStatus.ASSIGNED


def test_adding_a_membership_ends_the_responders_previous_one(supervisor, responder, team, other_team):
    client = client_for(supervisor)
    add = client.get(url_for(Membership, "add"))
    response = client.post(
        url_for(Membership, "add"),
        {"team": other_team.pk, "user": responder.pk, "position": "EMT", **inline_management_data(add)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Membership.objects.get(user=responder, active=True).team == other_team
    assert Membership.objects.get(user=responder, team=team).ended_at is not None


def test_only_shifts_that_have_not_started_may_be_deleted(supervisor, team):
    now = timezone.now()
    past = Shift.objects.create(team=team, starts_at=now - timedelta(hours=9), ends_at=now - timedelta(hours=1))
    future = Shift.objects.create(team=team, starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=9))
    client = client_for(supervisor)
    assert client.post(url_for(Shift, "delete", past.pk), {"post": "yes"}).status_code == 403
    assert client.post(url_for(Shift, "delete", future.pk), {"post": "yes"}).status_code == 302
    assert list(Shift.objects.all()) == [past]
    assert AuditEntry.objects.filter(action="shift.delete", object_id=str(future.pk)).exists()


def test_certifications_can_be_filtered_by_expiry(supervisor, responder):
    today = program_today()
    expired = Certification.objects.create(
        responder=responder, kind="cpr", issued_on=today - timedelta(days=800), expires_on=today - timedelta(days=1)
    )
    Certification.objects.create(
        responder=responder, kind="emt", issued_on=today, expires_on=today + timedelta(days=700)
    )
    response = client_for(supervisor).get(url_for(Certification, "changelist"), {"expiry": "expired"})
    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == [expired]
