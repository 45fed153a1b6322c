"""Assignments end to end through the services: escalation sweep, reassign, second team, cancel, clear."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from apps.common.errors import ApplicationError, PermissionRefused
from apps.incidents import services
from apps.incidents.models import Assignment, IncidentLogEntry
from apps.incidents.states import AssignmentStatus
from apps.incidents.tasks import assignments_escalation_sweep
from apps.streams.models import Event
from apps.streams.tasks import stream_prune_old_events
from apps.teams.models import UnitStatus
from apps.teams.services import team_report_position
from config.celery import app as celery_app
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


def new_incident(actor, **extra):
    return services.incident_create(actor=actor, summary="Someone yelling", location_text="Civic Center", **extra)


def board_kinds():
    return list(Event.objects.filter(stream="board").order_by("seq").values_list("kind", flat=True))


def test_an_unacknowledged_assignment_is_escalated_once_after_the_limit(dispatcher, team):
    incident = new_incident(dispatcher)
    long_ago = timezone.now() - timedelta(seconds=61)
    assignment = services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk, at=long_ago)
    assert services.assignments_escalate_overdue() == [assignment.pk]
    assert services.assignments_escalate_overdue() == []  # idempotent: escalated_at is set
    assignment.refresh_from_db()
    assert assignment.escalated_at is not None
    assert board_kinds().count("assignment.escalated") == 1
    escalated = Event.objects.get(stream="board", kind="assignment.escalated")
    assert escalated.data["assignment"] == assignment.pk and escalated.data["team"] == team.pk
    assert IncidentLogEntry.objects.filter(incident=incident, kind="assignment.escalated").exists()


def test_an_assignment_inside_the_limit_or_acknowledged_is_not_escalated(dispatcher, responder, team, other_team):
    recent = services.incident_assign(actor=dispatcher, incident_id=new_incident(dispatcher).pk, team_id=team.pk)
    old = timezone.now() - timedelta(minutes=5)
    acked = services.incident_assign(
        actor=dispatcher, incident_id=new_incident(dispatcher).pk, team_id=other_team.pk, at=old
    )
    services.assignment_acknowledge(actor=dispatcher, assignment_id=acked.pk)
    assert services.assignments_escalate_overdue() == []
    recent.refresh_from_db()
    acked.refresh_from_db()
    assert recent.status == AssignmentStatus.DISPATCHED and recent.acknowledged_at is None  # still waiting
    assert recent.escalated_at is None and acked.escalated_at is None
    assert "assignment.escalated" not in board_kinds()


@override_settings(FIRSTLINE_ACK_LIMIT_SECONDS=5)
def test_the_limit_is_the_programs_setting_and_the_beat_task_runs_the_sweep(dispatcher, team):
    incident = new_incident(dispatcher)
    services.incident_assign(
        actor=dispatcher, incident_id=incident.pk, team_id=team.pk, at=timezone.now() - timedelta(seconds=6)
    )
    assert assignments_escalation_sweep() == 1
    beat = celery_app.conf.beat_schedule["incidents-escalation-sweep"]
    assert beat["task"] == assignments_escalation_sweep.name


def test_reassigning_cancels_one_team_and_sends_another_in_one_step(dispatcher, team, other_team):
    incident = new_incident(dispatcher)
    first = services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
    second = services.incident_reassign(
        actor=dispatcher, assignment_id=first.pk, team_id=other_team.pk, reason="Closer"
    )
    first.refresh_from_db()
    team.refresh_from_db()
    assert first.status == AssignmentStatus.CANCELLED and first.cancel_reason == "Closer"
    assert second.team_id == other_team.pk and second.status == AssignmentStatus.DISPATCHED
    assert team.status == UnitStatus.AVAILABLE
    assert board_kinds()[-3:].count("assignment.created") == 1


def test_a_failed_reassign_changes_nothing(dispatcher, team, other_team):
    incident = new_incident(dispatcher)
    first = services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
    other_team.status = UnitStatus.OUT_OF_SERVICE
    other_team.save()
    with pytest.raises(ApplicationError):
        services.incident_reassign(actor=dispatcher, assignment_id=first.pk, team_id=other_team.pk)
    first.refresh_from_db()
    assert first.status == AssignmentStatus.DISPATCHED


def test_only_dispatch_can_reassign(responder, dispatcher, team, other_team):
    incident = new_incident(dispatcher)
    first = services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
    with pytest.raises(PermissionRefused):
        services.incident_reassign(actor=responder, assignment_id=first.pk, team_id=other_team.pk)


def test_a_second_team_can_join_and_each_clears_with_its_own_event(dispatcher, team, other_team):
    incident = new_incident(dispatcher)
    a = services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
    b = services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=other_team.pk)
    for assignment in (a, b):
        services.assignment_set_status(actor=dispatcher, assignment_id=assignment.pk, status="on_scene")
    services.assignment_set_status(actor=dispatcher, assignment_id=a.pk, status="cleared")
    incident.refresh_from_db()
    assert incident.status == "on_scene"  # the second team is still there
    services.assignment_set_status(actor=dispatcher, assignment_id=b.pk, status="cleared")
    incident.refresh_from_db()
    assert incident.status == "closed"
    statuses = Event.objects.filter(stream="board", kind="assignment.status").values_list("data__status", flat=True)
    assert list(statuses).count("cleared") == 2


def test_cancelling_frees_the_team_and_tells_the_board(dispatcher, team):
    incident = new_incident(dispatcher)
    assignment = services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
    services.assignment_cancel(actor=dispatcher, assignment_id=assignment.pk, reason="Caller called back: all fine")
    team.refresh_from_db()
    assert team.status == UnitStatus.AVAILABLE
    assert Assignment.objects.get(pk=assignment.pk).status == AssignmentStatus.CANCELLED
    assert "assignment.status" in board_kinds()


def test_position_pings_are_stored_each_time_but_reach_the_board_at_a_bounded_rate(responder, team):
    for i in range(5):
        team_report_position(actor=responder, team_id=team.pk, latitude=39.7 + i / 1000, longitude=-104.9)
    team.refresh_from_db()
    assert team.last_latitude == pytest.approx(39.704)
    assert board_kinds().count("team.position") == 1


def test_the_prune_task_removes_only_events_past_retention(dispatcher):
    new_incident(dispatcher)
    new_incident(dispatcher)
    Event.objects.filter(seq=1).update(created_at=timezone.now() - timedelta(days=15))
    assert stream_prune_old_events() == 1
    assert list(Event.objects.values_list("seq", flat=True)) == [2]


def test_a_busy_team_is_never_recommended_and_capabilities_are_required(dispatcher):
    from apps.teams.selectors import team_recommend

    fresh = {"last_position_at": timezone.now()}  # a position without a time is not trusted for distance
    near_busy = TeamFactory(status=UnitStatus.EN_ROUTE, last_latitude=39.74, last_longitude=-104.99, **fresh)
    far_ok = TeamFactory(last_latitude=39.80, last_longitude=-105.10, capabilities=["peer_support", "emt"], **fresh)
    near_no_emt = TeamFactory(last_latitude=39.741, last_longitude=-104.99, capabilities=["peer_support"], **fresh)
    unknown = TeamFactory(capabilities=["peer_support", "emt"])
    teams = [near_busy, far_ok, near_no_emt, unknown]
    best, distance = team_recommend(teams=teams, required_capabilities=["emt"], latitude=39.74, longitude=-104.99)
    assert best == far_ok and 10 < distance < 13
    best, _ = team_recommend(teams=teams, required_capabilities=[], latitude=39.74, longitude=-104.99)
    assert best == near_no_emt
