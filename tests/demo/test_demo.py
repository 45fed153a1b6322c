"""`load_demo`: the Riverton demo program, its logins, a real week of calls, and a safe second run.

The full load takes a while, so it runs once for tests/demo/ (tests/demo/conftest.py: committed,
then flushed at the end); each test reads it inside its own rolled-back transaction.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.audit.models import AuditEntry
from apps.demo.intake import HELD_EIDO_ID
from apps.incidents.models import Encounter, Incident
from apps.incidents.selectors import incidents_with_response_intervals
from apps.incidents.states import OPEN_INCIDENT_STATUSES, SCREENING_HOLD, IncidentStatus
from apps.safety.models import CoResponse
from apps.streams.models import Event
from apps.teams.models import Membership, Team, UnitStatus, UnitStatusChange

STAFF_ROLES = {
    "dispatcher": Role.DISPATCHER,
    "supervisor": Role.SUPERVISOR,
    "calltaker": Role.CALL_TAKER,
    "partner": Role.PARTNER,
    "analyst": Role.ANALYST,
    "finance": Role.FINANCE,
}


def counts() -> dict:
    return {
        "users": User.objects.count(),
        "teams": Team.objects.count(),
        "memberships": Membership.objects.count(),
        "incidents": Incident.objects.count(),
        "encounters": Encounter.objects.count(),
        "events": Event.objects.count(),
        "unit status changes": UnitStatusChange.objects.count(),
        "audit entries": AuditEntry.objects.count(),
    }


def test_the_staff_logins_have_their_roles_and_the_demo_password_works(demo_output, db):
    for username, role in STAFF_ROLES.items():
        user = User.objects.get(username=username)
        assert user.role == role
        assert not user.is_superuser
        response = APIClient().post(
            "/api/v1/auth/login/", {"username": username, "password": "firstline-demo"}, format="json"
        )
        assert response.status_code == 200, response.content
        assert response.json()["user"]["role"] == role
    assert User.objects.get(username="partner").partner_organization.name == "Riverton Community Shelter"
    assert "firstline-demo" in demo_output and "responder18" in demo_output


def test_a_responder_enrolls_the_documented_demo_tablet_and_sees_their_team(demo_output, db):
    """README's tablet paragraph: CR-2's tablet enrolls with DEMO-TEAM-0002; responder4 is on CR-2."""
    assert "DEMO-TEAM-0001" in demo_output
    client = APIClient()
    enrolled = client.post("/api/v1/devices/enroll/", {"enrollment_code": "DEMO-TEAM-0002"}, format="json")
    assert enrolled.status_code == 200, enrolled.content
    body = {"username": "responder4", "password": "firstline-demo", **enrolled.json()}
    response = client.post("/api/v1/auth/login/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["user"]["team"] == Team.objects.get(call_sign="CR-2").pk


def test_six_teams_of_three_responders(demo_output, db):
    teams = Team.objects.filter(call_sign__in=[f"CR-{n}" for n in range(1, 7)])
    assert teams.count() == 6
    for team in teams:
        members = Membership.objects.filter(team=team, active=True).select_related("user")
        assert members.count() == 3
        assert all(m.user.role == Role.RESPONDER for m in members)
        assert team.capabilities and team.vehicle and team.radio and team.home_district
    responders = User.objects.filter(username__regex=r"^responder\d+$")
    assert responders.count() == 18
    assert Membership.objects.filter(user__in=responders, active=True).count() == 18


def test_a_week_of_calls_was_worked_through_to_encounters_and_response_times(demo_output, demo_started_at, db):
    now = demo_started_at
    past = Incident.objects.filter(external_id__regex=r"^demo-\d+$")
    assert past.count() >= 30 * 7
    assert not past.filter(received_at__lt=now - timedelta(days=7, minutes=5)).exists()
    assert past.filter(received_at__gte=now - timedelta(days=1)).exists()
    assert past.filter(received_at__lt=now - timedelta(days=6)).exists()
    closed = past.filter(status=IncidentStatus.CLOSED)
    assert closed.count() > 0.8 * past.count()
    assert not closed.filter(encounters__isnull=True).exists()
    assert not closed.filter(disposition="").exists()
    for incident in incidents_with_response_intervals(closed):
        assert incident.call_to_dispatch is not None and incident.call_to_dispatch >= timedelta(0)
        assert incident.dispatch_to_en_route is not None
        assert incident.en_route_to_on_scene is not None
        assert incident.time_on_scene is not None and incident.time_on_scene > timedelta(0)
    assert past.filter(status=IncidentStatus.CANCELLED).exists()
    assert len(set(past.values_list("source", flat=True))) == 7
    assert set(past.values_list("priority", flat=True)) == {1, 2, 3, 4}
    # Police and EMS came to some calls, recorded as co-responses with their times and outcome.
    co_responses = CoResponse.objects.filter(incident__in=past)
    assert set(co_responses.values_list("agency", flat=True)) == {"police", "ems"}
    assert not co_responses.filter(Q(arrived_at__isnull=True) | Q(outcome="")).exists()
    assert co_responses.filter(outcome="arrest").exists()
    # The other agency came and went while the team was there: every call's timeline ends with its closing.
    for row in co_responses.filter(incident__status=IncidentStatus.CLOSED).select_related("incident"):
        assert row.requested_at < row.arrived_at < row.left_at < row.incident.closed_at
        team = row.incident.assignments.get()  # on scene all along: before it took the person or cleared
        assert team.on_scene_at < row.requested_at and row.left_at < (team.transport_started_at or team.cleared_at)
        assert list(row.incident.timeline.values_list("kind", flat=True))[-1] == "incident.closed"
    # The timeline, unit history and audit were written by the services, not faked.
    sample = closed.first()
    kinds = list(sample.timeline.values_list("kind", flat=True))
    assert kinds[0] == "incident.created" and kinds[-1] == "incident.closed"
    assert "encounter.recorded" in kinds
    assert AuditEntry.objects.filter(action="assignment.status", door="command").exists()


def test_open_calls_are_waiting_and_two_teams_are_working_now(demo_output, db):
    # Other apps' demo data (e.g. intake's screened calls) may add calls of their own; these are ours.
    open_calls = Incident.objects.filter(external_id__startswith="demo-open-", status__in=OPEN_INCIDENT_STATUSES)
    pending = open_calls.filter(status=IncidentStatus.PENDING)
    assert 3 <= pending.count() <= 5
    assert pending.filter(priority=1).exists()
    assert open_calls.exclude(status=IncidentStatus.PENDING).count() == 2
    statuses = dict(Team.objects.values_list("call_sign", "status"))
    busy = [sign for sign, status in statuses.items() if status not in {UnitStatus.AVAILABLE, UnitStatus.OFF_DUTY}]
    assert len(busy) == 2
    assert list(statuses.values()).count(UnitStatus.AVAILABLE) >= 3


def test_a_911_eido_call_waits_on_the_screening_page_not_yet_safe_to_decide(demo_output, db, client):
    """A newcomer opening the screening page finds a held call from Riverton 911 to complete."""
    held = Incident.objects.get(external_id=HELD_EIDO_ID)
    assert held.status == IncidentStatus.PENDING and SCREENING_HOLD in held.safety_flags
    assert held.call_type.code == "mental_health_crisis"
    assert (held.callback, held.caller_name, held.caller_language) == ("+13035550147", "Rosa Medina", "es")
    assert held.latitude is not None and "Water St" in held.location_text
    assert "held until a call-taker screens it" in demo_output
    client.force_login(User.objects.get(username="calltaker"))
    listed = client.get("/intake/screen/").content.decode()
    held_list = listed.split('id="held-calls"', 1)[1].split("</ul>", 1)[0]
    assert f"?incident={held.pk}" in held_list and held.reference in held_list
    page = client.get(f"/intake/screen/?incident={held.pk}").content.decode()
    assert f"Completing {held.reference}" in page and "not yet safe to decide" in page


def test_running_it_again_changes_nothing(demo_output, db):
    """Including the other apps' demo hooks, which must be idempotent too."""
    before = counts()
    statuses = dict(Team.objects.values_list("call_sign", "status"))
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert counts() == before
    assert dict(Team.objects.values_list("call_sign", "status")) == statuses
    assert "Created 0 users, 0 teams and 0 incidents" in out.getvalue()


def test_it_refuses_production_settings_unless_forced(demo_output, db, monkeypatch):
    monkeypatch.setattr("apps.demo.loader.EXTENSIONS", ())  # only the guard is under test here
    monkeypatch.setattr(settings, "SETTINGS_MODULE", "config.settings.production")
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo", stdout=StringIO())
    before = counts()
    call_command("load_demo", "--force", stdout=StringIO())
    assert counts() == before
