"""The incident and assignment state machine, and who may move it, through the services."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.common.errors import ApplicationError, Conflict, PermissionRefused
from apps.incidents import selectors, services
from apps.incidents.models import IncidentLogEntry
from apps.incidents.states import ASSIGNMENT_TRANSITIONS, IncidentStatus
from apps.streams.models import Event
from apps.teams.models import UnitStatus, UnitStatusChange

pytestmark = pytest.mark.django_db


def create_incident(actor, **extra):
    return services.incident_create(
        actor=actor, summary="Man shouting at traffic", location_text="15th & Pearl", **extra
    )


def test_a_call_taker_creates_an_incident_that_waits_for_a_team(call_taker):
    incident = create_incident(call_taker, priority=2)
    assert incident.status == IncidentStatus.PENDING
    assert Event.objects.filter(stream="board", kind="incident.created").count() == 1
    assert IncidentLogEntry.objects.filter(incident=incident, kind="incident.created").exists()


def test_a_responder_cannot_create_an_incident(responder):
    with pytest.raises(PermissionRefused):
        create_incident(responder)


def test_assigning_a_team_dispatches_the_call_and_tells_board_and_team(dispatcher, team):
    incident = create_incident(dispatcher)
    assignment = services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
    incident.refresh_from_db()
    team.refresh_from_db()
    assert incident.status == IncidentStatus.DISPATCHED
    assert team.status == UnitStatus.ASSIGNED
    kinds = set(Event.objects.filter(kind="assignment.created").values_list("stream", flat=True))
    assert kinds == {"board", f"team:{team.pk}"}
    data = Event.objects.get(stream=f"team:{team.pk}", kind="assignment.created").data
    assert data["assignment"] == assignment.pk and data["incident"] == incident.pk and data["team"] == team.pk


def test_corrected_details_reach_the_board_and_the_teams_still_working_the_call(dispatcher, team, other_team):
    incident = create_incident(dispatcher)
    working = services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
    cleared = services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=other_team.pk)
    for status in ("on_scene", "cleared"):
        services.assignment_set_status(actor=dispatcher, assignment_id=cleared.pk, status=status)
    services.incident_update(actor=dispatcher, incident_id=incident.pk, location_text="1500 Larimer St")
    streams = set(Event.objects.filter(kind="incident.updated").values_list("stream", flat=True))
    assert streams == {"board", f"team:{team.pk}"}, streams  # not the team that has cleared
    data = Event.objects.get(stream=f"team:{team.pk}", kind="incident.updated").data
    assert data["incident"] == incident.pk and data["fields"] == ["location_text"]
    assert working.team_id == team.pk


def test_assigning_a_busy_team_is_refused(dispatcher, team):
    first = create_incident(dispatcher)
    second = create_incident(dispatcher)
    services.incident_assign(actor=dispatcher, incident_id=first.pk, team_id=team.pk)
    with pytest.raises(ApplicationError, match="not available"):
        services.incident_assign(actor=dispatcher, incident_id=second.pk, team_id=team.pk)


def test_a_responder_cannot_assign_teams(responder, dispatcher, team):
    incident = create_incident(dispatcher)
    with pytest.raises(PermissionRefused):
        services.incident_assign(actor=responder, incident_id=incident.pk, team_id=team.pk)


def test_the_full_response_stamps_every_step_and_closes_the_call(dispatcher, responder, team):
    incident = create_incident(dispatcher)
    assignment = services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
    services.assignment_acknowledge(actor=responder, assignment_id=assignment.pk)
    for status in ["en_route", "on_scene", "transporting", "at_destination", "cleared"]:
        services.assignment_set_status(actor=responder, assignment_id=assignment.pk, status=status)
    assignment.refresh_from_db()
    incident.refresh_from_db()
    team.refresh_from_db()
    for field in [
        "dispatched_at",
        "acknowledged_at",
        "en_route_at",
        "on_scene_at",
        "transport_started_at",
        "at_destination_at",
        "cleared_at",
    ]:
        assert getattr(assignment, field) is not None, field
    assert incident.status == IncidentStatus.CLOSED and incident.closed_at is not None
    assert team.status == UnitStatus.AVAILABLE
    history = list(
        UnitStatusChange.objects.filter(team=team).order_by("changed_at", "id").values_list("status", flat=True)
    )
    assert history == ["assigned", "en_route", "on_scene", "transporting", "at_destination", "available"]


def test_the_timeline_keeps_its_english_words_whatever_language_the_responder_uses(dispatcher, responder, team):
    """Timeline text is stored once, in English, and translated where shown: a Spanish tap must not store Spanish."""
    from django.utils import translation

    incident = create_incident(dispatcher)
    assignment = services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
    with translation.override("es"):
        for status in ["en_route", "on_scene", "transporting", "at_destination", "cleared"]:
            services.assignment_set_status(actor=responder, assignment_id=assignment.pk, status=status)
    texts = list(
        IncidentLogEntry.objects.filter(incident=incident, kind__startswith="assignment.")
        .exclude(kind="assignment.created")
        .order_by("at", "id")
        .values_list("text", flat=True)
    )
    call_sign = team.call_sign
    assert texts == [
        f"{call_sign} en route.",
        f"{call_sign} on scene.",
        f"{call_sign} transporting.",
        f"{call_sign} at destination.",
        f"{call_sign} cleared.",
    ]


def test_a_call_created_and_closed_in_spanish_keeps_an_english_timeline(dispatcher):
    from django.utils import translation

    with translation.override("es"):
        incident = create_incident(dispatcher)
        services.incident_close(actor=dispatcher, incident_id=incident.pk, disposition="resolved_on_scene")
    with translation.override("en"):
        source = str(incident.get_source_display())
    texts = dict(IncidentLogEntry.objects.filter(incident=incident).values_list("kind", "text"))
    assert texts["incident.created"] == f"Call received from {source}."
    assert texts["incident.closed"] == "Call closed: Resolved on scene."


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (c, t)
        for c in ["dispatched", "en_route", "on_scene", "cleared"]
        for t in ["on_scene", "transporting", "cleared"]
        if t not in ASSIGNMENT_TRANSITIONS[c] and c != t
    ],
)
def test_transitions_not_in_the_table_are_refused(dispatcher, responder, team, current, target):
    incident = create_incident(dispatcher)
    assignment = services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
    path = {
        "dispatched": [],
        "en_route": ["en_route"],
        "on_scene": ["en_route", "on_scene"],
        "cleared": ["en_route", "on_scene", "cleared"],
    }[current]
    for status in path:
        services.assignment_set_status(actor=responder, assignment_id=assignment.pk, status=status)
    with pytest.raises(ApplicationError):
        services.assignment_set_status(actor=responder, assignment_id=assignment.pk, status=target)


def test_another_teams_responder_cannot_move_the_assignment(dispatcher, other_responder, team):
    incident = create_incident(dispatcher)
    assignment = services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
    with pytest.raises(PermissionRefused):
        services.assignment_set_status(actor=other_responder, assignment_id=assignment.pk, status="en_route")


def test_cancelling_the_only_assignment_puts_the_call_back_in_the_queue(dispatcher, team):
    incident = create_incident(dispatcher)
    assignment = services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
    services.assignment_cancel(actor=dispatcher, assignment_id=assignment.pk, reason="Closer unit free")
    incident.refresh_from_db()
    team.refresh_from_db()
    assert incident.status == IncidentStatus.PENDING
    assert team.status == UnitStatus.AVAILABLE


def test_a_second_team_can_join_and_the_call_closes_when_both_clear(
    dispatcher, responder, other_responder, team, other_team
):
    incident = create_incident(dispatcher)
    first = services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
    second = services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=other_team.pk)
    for actor, assignment in [(responder, first), (other_responder, second)]:
        services.assignment_set_status(actor=actor, assignment_id=assignment.pk, status="on_scene")
    services.assignment_set_status(actor=responder, assignment_id=first.pk, status="cleared")
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.ON_SCENE
    services.assignment_set_status(actor=other_responder, assignment_id=second.pk, status="cleared")
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CLOSED


def test_response_intervals_come_from_one_query(dispatcher, responder, team, django_assert_num_queries):
    received = timezone.now() - timedelta(minutes=30)
    incident = create_incident(dispatcher, received_at=received)
    t0 = received + timedelta(minutes=2)
    assignment = services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk, at=t0)
    services.assignment_set_status(
        actor=responder, assignment_id=assignment.pk, status="en_route", at=t0 + timedelta(minutes=1)
    )
    services.assignment_set_status(
        actor=responder, assignment_id=assignment.pk, status="on_scene", at=t0 + timedelta(minutes=9)
    )
    services.assignment_set_status(
        actor=responder, assignment_id=assignment.pk, status="cleared", at=t0 + timedelta(minutes=40)
    )
    with django_assert_num_queries(1):
        row = selectors.incidents_with_response_intervals().get(pk=incident.pk)
    assert row.call_to_dispatch == timedelta(minutes=2)
    assert row.dispatch_to_en_route == timedelta(minutes=1)
    assert row.en_route_to_on_scene == timedelta(minutes=8)
    assert row.total_response == timedelta(minutes=11)
    assert row.time_on_scene == timedelta(minutes=31)


def test_encounter_versions_are_appended_and_a_stale_edit_is_a_conflict(dispatcher, responder, team):
    incident = create_incident(dispatcher)
    assignment = services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
    v1 = services.encounter_record(
        actor=responder,
        incident_id=incident.pk,
        assignment_id=assignment.pk,
        disposition="resolved_on_scene",
        narrative="Talked for 20 minutes.",
    )
    v2 = services.encounter_record(
        actor=responder,
        incident_id=incident.pk,
        encounter_id=v1.encounter_id,
        base_version=1,
        disposition="referred",
        narrative="Referred to shelter.",
    )
    assert (v1.number, v2.number) == (1, 2)
    with pytest.raises(Conflict) as conflict:
        services.encounter_record(
            actor=responder,
            incident_id=incident.pk,
            encounter_id=v1.encounter_id,
            base_version=1,
            disposition="declined_services",
        )
    assert conflict.value.extra["server"]["version"] == 2
    assert v1.encounter.versions.count() == 2


def test_another_team_cannot_document_this_call(dispatcher, other_responder, team):
    incident = create_incident(dispatcher)
    services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
    with pytest.raises(PermissionRefused):
        services.encounter_record(actor=other_responder, incident_id=incident.pk, disposition="resolved_on_scene")


def test_a_stale_incident_edit_is_a_conflict_with_the_server_copy(dispatcher, call_taker):
    incident = create_incident(dispatcher)
    services.incident_update(actor=dispatcher, incident_id=incident.pk, base_version=1, priority=1)
    with pytest.raises(Conflict) as conflict:
        services.incident_update(actor=call_taker, incident_id=incident.pk, base_version=1, summary="changed")
    assert conflict.value.extra["server"]["priority"] == 1
