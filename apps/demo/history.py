"""A week of calls, worked through the real services from call to encounter, then moved back to the
call's own time (services stamp encounters and cancellations with the wall clock).
"""

import random
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.test.utils import override_settings

from apps.common.days import program_zone
from apps.demo import questions as questions_demo
from apps.demo.call_kinds import (
    AGE_RANGES,
    ALIASES,
    CALL_KINDS,
    DISPOSITION_WEIGHTS,
    DISPOSITIONS,
    HOUR_WEIGHTS,
    HOUSING,
    NARRATIVES,
    SOURCE_WEIGHTS,
    SOURCES,
    CallKind,
    D,
)
from apps.demo.city import DISTRICT_WEIGHTS, DISTRICTS, District
from apps.demo.people import HISTORY_DAYS, Cast
from apps.incidents.models import CallType, Encounter, EncounterVersion, Incident, IncidentLogEntry
from apps.incidents.services import (
    assignment_set_status,
    encounter_record,
    incident_assign,
    incident_cancel,
    incident_create,
)
from apps.safety.services import co_response_request, co_response_update
from apps.streams.models import StreamCounter
from apps.streams.names import BOARD
from apps.streams.services import ring_doorbell
from apps.teams.models import Capability, Team, UnitStatus, UnitStatusChange
from apps.teams.services import team_move

CALLS_PER_DAY = (40, 60)


@contextmanager
def _one_doorbell_per_stream():
    """Ring each stream once at the end instead of once per event of a week of calls.

    The event log is the truth and a doorbell only says "look", so thousands of doorbells (a
    quarter of the load's time) tell a connected board nothing that the last one does not.
    """
    with override_settings(CHANNEL_LAYERS={}):
        yield
    for stream, seq in StreamCounter.objects.filter(Q(stream=BOARD) | Q(stream__startswith="team:")).values_list(
        "stream", "last_seq"
    ):
        ring_doorbell(stream, seq)


@dataclass
class PlannedCall:
    number: int
    received_at: datetime
    kind: CallKind
    priority: int
    source: str
    district: District
    team: Team | None = None
    dispatched_at: datetime | None = None
    outcome: str = "worked"  # worked, cancelled_before_dispatch, cancelled_en_route
    steps: list[tuple[str, datetime]] = field(default_factory=list)
    disposition: str = ""


def _call_times(rng: random.Random, *, now: datetime) -> list[datetime]:
    zone = program_zone()
    start, end = now - timedelta(days=HISTORY_DAYS), now - timedelta(hours=4)
    today = now.astimezone(zone).date()
    times = []
    for back in range(HISTORY_DAYS, -1, -1):
        day = today - timedelta(days=back)
        for _ in range(rng.randint(*CALLS_PER_DAY)):
            hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
            local = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=zone)
            moment = local.astimezone(UTC)
            if start <= moment <= end:
                times.append(moment)
    return sorted(times)


def _plan(rng: random.Random, *, cast: Cast, now: datetime) -> list[PlannedCall]:
    free_at = {team.pk: now - timedelta(days=HISTORY_DAYS + 1) for team in cast.teams}
    plan = []
    for number, received_at in enumerate(_call_times(rng, now=now), start=1):
        kind = rng.choices(CALL_KINDS, weights=[k.weight for k in CALL_KINDS])[0]
        priority = max(1, min(4, kind.priority + rng.choice([-1, 0, 0, 0, 0, 1])))
        district = rng.choices(DISTRICTS, weights=DISTRICT_WEIGHTS)[0]
        call = PlannedCall(
            number, received_at, kind, priority, rng.choices(SOURCES, weights=SOURCE_WEIGHTS)[0], district
        )
        plan.append(call)
        if rng.random() < 0.04:
            call.outcome = "cancelled_before_dispatch"
            continue
        wanted = received_at + timedelta(seconds=rng.randint(60, 180 if priority == 1 else 480))
        call.team, call.dispatched_at = _pick_team(cast.teams, free_at, kind=kind, district=district, wanted=wanted)
        moment = call.dispatched_at + timedelta(seconds=rng.randint(30, 180))
        call.steps.append(("en_route", moment))
        if rng.random() < 0.03:
            call.outcome = "cancelled_en_route"
            free_at[call.team.pk] = moment + timedelta(minutes=3)
            continue
        moment += timedelta(seconds=rng.randint(300, 1200))
        call.steps.append(("on_scene", moment))
        call.disposition = rng.choices(DISPOSITIONS, weights=DISPOSITION_WEIGHTS)[0]
        if call.disposition == D.TRANSPORTED and Capability.TRANSPORT not in call.team.capabilities:
            call.disposition = D.REFERRED
        if call.disposition == D.TRANSPORTED:
            moment += timedelta(seconds=rng.randint(600, 1800))
            call.steps.append(("transporting", moment))
            moment += timedelta(seconds=rng.randint(600, 1500))
            call.steps.append(("at_destination", moment))
            moment += timedelta(seconds=rng.randint(300, 900))
        elif call.disposition == D.NO_PERSON_FOUND:
            moment += timedelta(seconds=rng.randint(300, 900))
        else:
            moment += timedelta(seconds=rng.randint(900, 4200))
        call.steps.append(("cleared", moment))
        free_at[call.team.pk] = moment + timedelta(seconds=rng.randint(0, 300))
    return plan


def _pick_team(teams: list[Team], free_at: dict, *, kind: CallKind, district: District, wanted: datetime):
    """The free team that fits best; if none is free, the one that frees up first (the call waits)."""

    def score(team: Team) -> tuple:
        fits = all(c in team.capabilities for c in kind.capabilities)
        return (not fits, team.home_district != district.name, team.call_sign)

    free = [team for team in teams if free_at[team.pk] <= wanted]
    if free:
        return min(free, key=score), wanted
    team = min(teams, key=lambda t: free_at[t.pk])
    return team, free_at[team.pk] + timedelta(seconds=60)


def _location(rng: random.Random, district: District) -> tuple[str, float, float]:
    if rng.random() < 0.25:
        text = f"{rng.choice(district.places)}, {district.name}"
    else:
        text = f"{rng.randint(1, 48) * 100} block of {rng.choice(district.streets)}, {district.name}"
    lat = round(district.lat + rng.uniform(-0.012, 0.012), 5)
    lon = round(district.lon + rng.uniform(-0.015, 0.015), 5)
    return text, lat, lon


def _history(*, cast: Cast, rng: random.Random, now: datetime, created: dict, stdout) -> None:
    """Write the past week in one transaction, so it is either all there or not there at all.

    The calls' times hang off `now`, so a week already loaded is never topped up: a second run
    on another day would otherwise slide new calls in between the old ones.
    """
    loaded = Incident.objects.filter(external_id__startswith="demo-").exclude(external_id__startswith="demo-open-")
    if loaded.exists():
        stdout.write(f"  The past week is already loaded ({loaded.count()} calls); leaving it as it is.")
        return
    plan = _plan(rng, cast=cast, now=now)
    call_types = {ct.code: ct for ct in CallType.objects.all()}
    with transaction.atomic():
        for call in plan:
            _work_call(cast=cast, call=call, call_type=call_types[call.kind.code], details=_details(rng, call))
            created["incidents"] += 1
            if created["incidents"] % 100 == 0:
                stdout.write(f"  {created['incidents']} past calls written…")


def _details(rng: random.Random, call: PlannedCall) -> dict:
    location, lat, lon = _location(rng, call.district)
    kind = call.kind
    needs = rng.sample(kind.needs, k=min(len(kind.needs), rng.randint(0, 2))) if kind.needs else []
    services = rng.sample(kind.services, k=min(len(kind.services), rng.randint(1, 3)))
    person = {}
    if call.disposition and call.disposition != D.NO_PERSON_FOUND and rng.random() < 0.45:
        person = {
            "alias": rng.choice(ALIASES),
            "age_range": rng.choice(AGE_RANGES),
            "language": "es" if rng.random() < 0.15 else "en",
            "housing_status": rng.choice(HOUSING),
        }
    if call.disposition == D.NO_PERSON_FOUND:
        needs, services = [], ["welfare_check"]
    if call.disposition == D.TRANSPORTED and "transport" not in services:
        services.append("transport")
    return {
        "location": location,
        "lat": lat,
        "lon": lon,
        "summary": rng.choice(kind.summaries),
        "callback": f"303-555-01{rng.randrange(100):02d}" if call.source in {"911", "988", "211", "311"} else "",
        "needs": needs,
        "services": services,
        "person": person,
        "people_served": 0 if call.disposition == D.NO_PERSON_FOUND else rng.choice([1, 1, 1, 1, 2]),
        "responder": rng.randrange(3),
        "followup": call.disposition in {D.REFERRED, D.DECLINED_SERVICES} and rng.random() < 0.5,
        "coverage": _coverage(call),
    }


def _coverage(call: PlannedCall) -> str:
    """How the person's care is paid for, from a generator of its own so the rest of the week stays as
    it was: about half on Medicaid, some not asked (blank)."""
    if call.disposition == D.NO_PERSON_FOUND:
        return ""
    draw = random.Random(f"coverage-{call.number}")
    return draw.choices(["medicaid", "", "none", "private", "medicare", "unknown"], weights=[50, 15, 12, 10, 8, 5])[0]


def _work_call(*, cast: Cast, call: PlannedCall, call_type: CallType, details: dict) -> Incident:
    taker = cast.dispatcher if call.source in {"police_request", "self_initiated"} else cast.calltaker
    incident = incident_create(
        actor=taker,
        summary=details["summary"],
        location_text=details["location"],
        call_type=call_type,
        priority=call.priority,
        source=call.source,
        latitude=details["lat"],
        longitude=details["lon"],
        district=call.district.name,
        callback=details["callback"],
        received_at=call.received_at,
        external_id=f"demo-{call.number}",
    )
    if call.outcome == "cancelled_before_dispatch":
        incident_cancel(actor=cast.dispatcher, incident_id=incident.pk, reason="Caller called back: no longer needed.")
        _backdate_cancel(incident, call.received_at + timedelta(minutes=4))
        return incident
    team = Team.objects.select_for_update().get(pk=call.team.pk)
    if team.status != UnitStatus.AVAILABLE:
        team_move(team=team, status=UnitStatus.AVAILABLE, actor=cast.supervisor, at=call.dispatched_at, note="On duty")
    assignment = incident_assign(actor=cast.dispatcher, incident_id=incident.pk, team_id=team.pk, at=call.dispatched_at)
    responder = cast.crew[team.pk][details["responder"]]
    for status, moment in call.steps:
        if status == "cleared":
            encounter_record(
                actor=responder,
                incident_id=incident.pk,
                assignment_id=assignment.pk,
                disposition=call.disposition,
                people_served=details["people_served"],
                needs=details["needs"],
                services_provided=details["services"],
                followup_needed=details["followup"],
                referral_needed=call.disposition == D.REFERRED,
                narrative=NARRATIVES[call.disposition],
                person=details["person"],
                coverage=details["coverage"],
                device_time=moment - timedelta(minutes=2),
                custom=questions_demo.answers_for(call.number),
            )
            _backdate_encounter(incident, moment - timedelta(minutes=2))
        assignment_set_status(actor=responder, assignment_id=assignment.pk, status=status, at=moment)
        if status == "on_scene":
            _co_response(call=call, incident=incident, responder=responder, on_scene=moment)
    if call.outcome == "cancelled_en_route":
        cancelled = call.steps[-1][1] + timedelta(minutes=2)
        incident_cancel(actor=cast.dispatcher, incident_id=incident.pk, reason="Caller left; person no longer there.")
        _backdate_cancel(incident, cancelled)
    return incident


# Which calls had another agency come, by disposition: (agency, reason, outcome, minutes to arrive).
# Chosen from the call's number, not the shared random stream, so the rest of the week stays as it was.
CO_RESPONSES = {
    D.POLICE_REQUESTED: ("police", "violence", "took_over", 11),
    D.ARREST_BY_POLICE: ("police", "crime", "arrest", 8),
    D.TRANSPORTED: ("ems", "medical", "assisted", 9),
}


def _co_response(*, call: PlannedCall, incident: Incident, responder, on_scene: datetime) -> None:
    plan = CO_RESPONSES.get(call.disposition)
    if plan is None or (call.disposition == D.TRANSPORTED and call.number % 3):
        return
    agency, reason, outcome, minutes = plan
    # The other agency comes and goes while the team is on scene (before it leaves with the person or
    # clears), so the call's timeline still ends with its closing: a short visit squeezes the times.
    team_leaves = next(moment for _status, moment in call.steps if moment > on_scene)
    span = team_leaves - on_scene
    asked = on_scene + min(timedelta(minutes=4), span / 10)
    co_response = co_response_request(
        actor=responder,
        co_response_id=uuid.uuid5(uuid.NAMESPACE_URL, f"firstline-demo-co-response-{call.number}"),
        incident_id=incident.pk,
        agency=agency,
        reason=reason,
        via="tablet",
        at=asked,
    )
    arrived = asked + min(timedelta(minutes=minutes), span * 3 / 10)
    left = min(arrived + timedelta(minutes=20), team_leaves - min(timedelta(minutes=2), span / 10))
    co_response_update(
        actor=responder,
        co_response_id=co_response.pk,
        arrived_at=arrived,
        left_at=left,
        outcome=outcome,
    )
    # The service stamps the outcome line with the wall clock; in a past call it belongs to the departure.
    IncidentLogEntry.objects.filter(incident=incident, kind="co_response", at__gt=left).update(at=left)


def _backdate_cancel(incident: Incident, at: datetime) -> None:
    """Services stamp a cancel with the wall clock; a past call needs its past time."""
    Incident.objects.filter(pk=incident.pk).update(cancelled_at=at)
    IncidentLogEntry.objects.filter(incident=incident, kind__in=["incident.cancelled", "assignment.cancelled"]).update(
        at=at
    )
    incident.assignments.filter(status="cancelled").update(cancelled_at=at)
    # The team went back to available at the cancel; move that history row to the same time.
    UnitStatusChange.objects.filter(assignment__incident=incident, status=UnitStatus.AVAILABLE).update(changed_at=at)
    Team.objects.filter(assignments__incident=incident).update(status_changed_at=at)


def _backdate_encounter(incident: Incident, at: datetime) -> None:
    """Encounters are stamped when written; a past call's documentation belongs to its past."""
    Encounter.objects.filter(incident=incident).update(created_at=at)
    EncounterVersion.objects.filter(encounter__incident=incident).update(created_at=at)
    IncidentLogEntry.objects.filter(incident=incident, kind="encounter.recorded").update(at=at)
