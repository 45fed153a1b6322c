"""A small known program for the insights pages' tests, written through the real services.

In the program's time zone (America/Denver in tests), calls received:
- September 2026 (the previous period of October): 2 calls — one 911 welfare check in "north",
  one 988 mental-health call in "south".
- October 2026 (the period): 5 calls — three 911 welfare checks in "north" (one of them cancelled),
  one 988 mental-health call in "south" and one 988 welfare check in "south".
  The first October call (911, north) is fully worked by team CR-71: dispatched 10 min after it was
  received, en route 2 min later, on scene 12 min after that (24 min from the call), cleared 30 min
  later; its encounter serves 2 people and names the person; the call is closed resolved on scene.

The people's details carry markers that must never reach an analyst.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apps.accounts.roles import Role
from apps.incidents import services as incident_services
from tests.factories import CallTypeFactory, MembershipFactory, TeamFactory, UserFactory

ZONE = ZoneInfo("America/Denver")
CALLER_NAME = "Hortensia Quillmarker"
PERSON_NAME = "Evaristo Namemarker"
PHONE = "+1 303 555 0142"
ADDRESS = "1234 Addressmarker Street"
SUMMARY = "summary-marker sleeping behind the bins"
CALLER_NOTES = "caller-notes-marker knows him from church"
NARRATIVE = "narrative-marker he talked about his sister"
SAFETY_NOTES = "safety-marker dog in the yard"
MARKERS = [CALLER_NAME, PERSON_NAME, PHONE, "555 0142", ADDRESS, "Addressmarker", SUMMARY, CALLER_NOTES, NARRATIVE]
MARKERS += [SAFETY_NOTES]


def at(day: str, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=ZONE)


def _call(actor, *, when, source, call_type, district, **extra):
    return incident_services.incident_create(
        actor=actor,
        summary=SUMMARY,
        location_text=ADDRESS,
        call_type=call_type,
        source=source,
        district=district,
        callback=PHONE,
        caller_name=CALLER_NAME,
        caller_notes=CALLER_NOTES,
        safety_notes=SAFETY_NOTES,
        latitude=39.7392,
        longitude=-104.9903,
        received_at=when,
        **extra,
    )


def build_program() -> dict:
    supervisor = UserFactory(role=Role.SUPERVISOR, username="insights-supervisor")
    responder = UserFactory(role=Role.RESPONDER, username="insights-responder")
    team = TeamFactory(call_sign="CR-71")
    MembershipFactory(team=team, user=responder)
    welfare = CallTypeFactory(code="welfare_check", name="Welfare check")
    mental = CallTypeFactory(code="mental_health", name="Mental health crisis", default_priority=2)

    worked = _call(supervisor, when=at("2026-10-03", 9, 0), source="911", call_type=welfare, district="north")
    received = worked.received_at
    assignment = incident_services.incident_assign(
        actor=supervisor, incident_id=worked.pk, team_id=team.pk, at=received + timedelta(minutes=10)
    )
    for status, minutes in (("en_route", 12), ("on_scene", 24)):
        incident_services.assignment_set_status(
            actor=supervisor, assignment_id=assignment.pk, status=status, at=received + timedelta(minutes=minutes)
        )
    incident_services.encounter_record(
        actor=responder,
        incident_id=worked.pk,
        assignment_id=assignment.pk,
        disposition="resolved_on_scene",
        people_served=2,
        narrative=NARRATIVE,
        person={"name": PERSON_NAME, "contact": PHONE, "age_range": "30-39"},
    )
    # Clearing the last team closes the call with the encounter's disposition.
    incident_services.assignment_set_status(
        actor=supervisor, assignment_id=assignment.pk, status="cleared", at=received + timedelta(minutes=54)
    )

    calls = [worked]
    calls.append(_call(supervisor, when=at("2026-10-10"), source="911", call_type=welfare, district="north"))
    cancelled = _call(supervisor, when=at("2026-10-20"), source="911", call_type=welfare, district="north")
    incident_services.incident_cancel(actor=supervisor, incident_id=cancelled.pk, reason="Caller called back")
    calls.append(cancelled)
    calls.append(_call(supervisor, when=at("2026-10-25"), source="988", call_type=mental, district="south"))
    # 23:30 on the last day of October, local: still October here, November in UTC.
    calls.append(_call(supervisor, when=at("2026-10-31", 23, 30), source="988", call_type=welfare, district="south"))
    previous = [
        _call(supervisor, when=at("2026-09-05"), source="911", call_type=welfare, district="north"),
        _call(supervisor, when=at("2026-09-30", 8), source="988", call_type=mental, district="south"),
    ]
    return {
        "supervisor": supervisor,
        "responder": responder,
        "team": team,
        "worked": worked,
        "october": calls,
        "september": previous,
    }
