"""The demo program: the fictional city of Riverton, its teams, logins and a week of calls.

Everything is written through the real services so the timeline, unit history, events and audit
look exactly like a program that has been running for a week. A seeded random generator makes
the data identical on every machine, and stable keys (usernames, call signs, call-type codes,
`external_id` "demo-<n>") make a second run a no-op.

Services stamp encounters and cancellations with the wall clock; for past calls those stamps are
moved back to the call's own time afterwards. Audit rows and events keep the real load time.
"""

import importlib
import random
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.test.utils import override_settings
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.incidents.models import CallType, Disposition, Encounter, EncounterVersion, Incident, IncidentLogEntry
from apps.incidents.services import (
    assignment_set_status,
    encounter_record,
    incident_assign,
    incident_cancel,
    incident_create,
)
from apps.resources.models import Organization, Service
from apps.streams.models import StreamCounter
from apps.streams.names import BOARD
from apps.streams.services import ring_doorbell
from apps.teams.models import Capability, Certification, Membership, Shift, Team, UnitStatus, UnitStatusChange
from apps.teams.services import membership_set, team_create, team_move, team_report_position, team_set_status

DEMO_PASSWORD = "firstline-demo"  # noqa: S105 (public by design: the demo logins)
SEED = 20260601
NAMESPACE = uuid.UUID("5b0f5e0e-7c8a-4c35-9d0e-2f64f1a0c0de")
EXTENSION_APPS = ("resources", "intake", "followups", "field", "funding")
HISTORY_DAYS = 7
CALLS_PER_DAY = (40, 60)


def demo_uuid(name: str) -> uuid.UUID:
    """A stable id, the same on every machine, so a second run finds what the first created."""
    return uuid.uuid5(NAMESPACE, name)


# --- the city ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class District:
    name: str
    lat: float
    lon: float
    streets: tuple[str, ...]
    places: tuple[str, ...]


DISTRICTS = [
    District(
        "Downtown",
        39.747,
        -104.992,
        ("Market St", "Larch Ave", "2nd St", "Union Blvd", "Court Pl"),
        ("Union Station bus bay", "Riverton Public Library", "City Hall plaza"),
    ),
    District(
        "Northside",
        39.788,
        -104.985,
        ("Ash St", "Birch St", "Federal Ave", "Howell Rd"),
        ("Northside Rec Center", "Howell Road grocery parking lot"),
    ),
    District(
        "Eastgate",
        39.741,
        -104.918,
        ("Colfax Ave", "Quince St", "Elm Ct", "Havana Way"),
        ("Eastgate light-rail station", "Eastgate Laundromat"),
    ),
    District(
        "Riverside",
        39.765,
        -105.012,
        ("River Rd", "Platte Ln", "Mill St", "Water St"),
        ("Riverside Park trailhead", "the footbridge at Mill St"),
    ),
    District(
        "West Hills",
        39.735,
        -105.041,
        ("Sheridan Blvd", "Hilltop Dr", "Pine Ridge Rd", "Wadsworth Ave"),
        ("West Hills Shopping Center", "St. Anne's Church"),
    ),
    District(
        "South Park",
        39.708,
        -104.965,
        ("Evans Ave", "Logan St", "Downing St", "Yale Ave"),
        ("South Park Community Clinic", "Evans Ave bus shelter"),
    ),
]
DISTRICT_WEIGHTS = [26, 16, 15, 17, 10, 16]


# --- people and teams --------------------------------------------------------------------------

STAFF = [
    ("supervisor", Role.SUPERVISOR, "Maria", "Delgado"),
    ("dispatcher", Role.DISPATCHER, "Kevin", "Osei"),
    ("calltaker", Role.CALL_TAKER, "Priya", "Raman"),
    ("partner", Role.PARTNER, "Tom", "Whitaker"),
    ("analyst", Role.ANALYST, "Grace", "Lindqvist"),
    ("finance", Role.FINANCE, "Henry", "Okafor"),
]

RESPONDER_NAMES = [
    ("Jordan", "Reyes"),
    ("Aisha", "Bello"),
    ("Sam", "Kowalski"),
    ("Luis", "Hernández"),
    ("Emily", "Chen"),
    ("Marcus", "Grant"),
    ("Rosa", "Martínez"),
    ("Daniel", "Park"),
    ("Keisha", "Williams"),
    ("Ben", "Nakamura"),
    ("Hannah", "Olsen"),
    ("Carlos", "Vega"),
    ("Tasha", "Brooks"),
    ("Omar", "Haddad"),
    ("Lena", "Fischer"),
    ("Miguel", "Torres"),
    ("Claire", "Dubois"),
    ("Andre", "Jackson"),
]
POSITIONS = ["peer specialist", "clinician", "EMT"]

C = Capability
TEAMS = [
    ("CR-1", "Downtown day team", [C.PEER_SUPPORT, C.CLINICIAN, C.EMT, C.VEHICLE, C.TRANSPORT, C.RADIO], "Downtown"),
    ("CR-2", "Northside team", [C.PEER_SUPPORT, C.CLINICIAN, C.EMT, C.SPANISH, C.VEHICLE, C.RADIO], "Northside"),
    ("CR-3", "Eastgate team", [C.PEER_SUPPORT, C.CLINICIAN, C.PARAMEDIC, C.VEHICLE, C.TRANSPORT, C.RADIO], "Eastgate"),
    (
        "CR-4",
        "Riverside team",
        [C.PEER_SUPPORT, C.CLINICIAN, C.EMT, C.SPANISH, C.VEHICLE, C.TRANSPORT, C.RADIO],
        "Riverside",
    ),
    ("CR-5", "West Hills team", [C.PEER_SUPPORT, C.CLINICIAN, C.EMT, C.VEHICLE, C.RADIO], "West Hills"),
    (
        "CR-6",
        "South Park team",
        [C.PEER_SUPPORT, C.CLINICIAN, C.PARAMEDIC, C.SPANISH, C.VEHICLE, C.TRANSPORT, C.RADIO],
        "South Park",
    ),
]
# Today's shifts in program-local hours (start, length); the last team is off duty now.
SHIFTS = [(7, 10), (7, 10), (9, 10), (12, 10), (12, 10), (22, 10)]
OFF_DUTY_TEAMS = {"CR-6"}

# --- call types --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallKind:
    code: str
    name: str
    description: str
    priority: int
    capabilities: tuple[str, ...]
    weight: int
    summaries: tuple[str, ...]
    needs: tuple[str, ...]
    services: tuple[str, ...]


CALL_KINDS = [
    CallKind(
        "welfare_check",
        "Welfare check",
        "Someone is worried about a person's safety or wellbeing.",
        3,
        ("peer_support",),
        24,
        (
            "Caller worried about a neighbor not seen for two days.",
            "Person lying on a bench, not responding to passers-by.",
            "Older adult seems confused about where they are going.",
            "Family asks for a check on an adult son living alone.",
        ),
        ("medical", "food", "family_contact", "case_management"),
        ("welfare_check", "basic_needs", "resource_info"),
    ),
    CallKind(
        "mental_health_crisis",
        "Mental-health crisis",
        "Acute distress, psychosis or panic with no weapon involved.",
        2,
        ("clinician",),
        20,
        (
            "Person shouting at traffic, appears to be responding to voices.",
            "Caller reports a friend having a panic attack.",
            "Young adult very distressed after a breakup, crying in a store.",
            "Man pacing and talking to himself outside a cafe.",
        ),
        ("mental_health", "crisis_stabilization", "medication", "case_management"),
        ("crisis_counseling", "de_escalation", "safety_planning", "warm_handoff"),
    ),
    CallKind(
        "suicidal_ideation",
        "Suicidal ideation (no means)",
        "Thoughts of suicide, no weapon or means present.",
        1,
        ("clinician",),
        8,
        (
            "988 transfer: caller with thoughts of suicide, no means, wants someone to talk to.",
            "Roommate reports person talking about ending their life; no weapons in the home.",
        ),
        ("mental_health", "crisis_stabilization", "family_contact"),
        ("crisis_counseling", "safety_planning", "warm_handoff"),
    ),
    CallKind(
        "intoxication",
        "Intoxication",
        "A person intoxicated in public who needs care, not jail.",
        3,
        ("emt",),
        14,
        (
            "Person intoxicated at the bus stop, unsteady on their feet.",
            "Store manager reports a man passed out near the entrance.",
        ),
        ("detox", "substance_use", "medical", "shelter"),
        ("medical_assessment", "first_aid", "basic_needs", "transport", "naloxone"),
    ),
    CallKind(
        "homelessness_outreach",
        "Homelessness outreach",
        "Someone without shelter needs resources or a ride.",
        4,
        ("peer_support",),
        16,
        (
            "Person sleeping in a doorway asks for a shelter bed.",
            "Family living in their car in a store lot, asked for help.",
            "Camp by the trail; residents asked for blankets and water.",
        ),
        ("shelter", "housing", "food", "clothing", "hygiene", "id_documents", "benefits"),
        ("basic_needs", "resource_info", "peer_support", "transport", "warm_handoff"),
    ),
    CallKind(
        "disorientation",
        "Disorientation",
        "Someone lost, confused or unable to get home.",
        3,
        ("peer_support",),
        7,
        ("Older man cannot remember his address, waiting at a bus stop.", "Woman confused at the light-rail station."),
        ("medical", "family_contact", "transportation"),
        ("welfare_check", "medical_assessment", "transport"),
    ),
    CallKind(
        "conflict_resolution",
        "Conflict resolution (non-violent)",
        "A dispute with no weapons or violence.",
        3,
        ("peer_support",),
        8,
        ("Neighbors arguing over noise, no threats.", "Customer and shop owner in a loud dispute, no violence."),
        ("case_management", "legal", "domestic_violence"),
        ("de_escalation", "resource_info"),
    ),
    CallKind(
        "needle_pickup",
        "Needle pickup",
        "Used syringes found in a public place.",
        4,
        (),
        3,
        ("Used needles reported near the playground.", "Syringes found in the alley behind the library."),
        (),
        ("resource_info",),
    ),
]
KINDS = {kind.code: kind for kind in CALL_KINDS}

SOURCES = ["911", "988", "211", "311", "police_request", "self_initiated", "walk_up"]
SOURCE_WEIGHTS = [42, 16, 8, 10, 12, 8, 4]

D = Disposition
DISPOSITIONS = [
    D.RESOLVED_ON_SCENE,
    D.REFERRED,
    D.TRANSPORTED,
    D.DECLINED_SERVICES,
    D.NO_PERSON_FOUND,
    D.EMS_REQUESTED,
    D.POLICE_REQUESTED,
    D.INVOLUNTARY_HOLD,
    D.ARREST_BY_POLICE,
]
DISPOSITION_WEIGHTS = [46, 19, 10, 10, 8, 3, 2, 1.2, 0.4]
NARRATIVES = {
    D.RESOLVED_ON_SCENE: "Talked with the person, needs met on scene. They said they feel safe now.",
    D.REFERRED: "Talked through options; person agreed to a referral and took the contact details.",
    D.TRANSPORTED: "Person accepted a ride; transported and handed off to staff.",
    D.DECLINED_SERVICES: "Offered help and resources; person declined and was safe to stay.",
    D.NO_PERSON_FOUND: "Searched the area and the nearby block; no one matching the description.",
    D.EMS_REQUESTED: "Medical need beyond our scope; EMS requested and took over care.",
    D.POLICE_REQUESTED: "Situation became unsafe for the team; police requested and arrived.",
    D.INVOLUNTARY_HOLD: "Person met hold criteria after assessment by the clinician; hold initiated.",
    D.ARREST_BY_POLICE: "Police on scene for another matter made an arrest; team left.",
}
AGE_RANGES = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
HOUSING = ["housed", "unsheltered", "sheltered", "unstably housed"]
ALIASES = ["J.", "Mr. T", "Sunny", "Ray", "Ms. Dee", "Tony", "Kat", "Lou"]
# Calls per program-local hour of day: quiet at night, busiest in the evening.
HOUR_WEIGHTS = [2, 1.5, 1, 1, 1, 1.5, 2, 3, 4, 5, 5, 5.5, 6, 6, 6, 6.5, 7, 8, 9, 9, 8.5, 7, 5, 3]


# --- the core loader ---------------------------------------------------------------------------


@dataclass
class Cast:
    supervisor: User
    dispatcher: User
    calltaker: User
    teams: list[Team]
    crew: dict[int, list[User]] = field(default_factory=dict)


def load_demo(*, stdout, now: datetime | None = None) -> dict:
    """Load the demo program, leaving alone what is already there; return how much was created."""
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    rng = random.Random(SEED)
    created = {"users": 0, "teams": 0, "incidents": 0}
    with transaction.atomic():
        cast = _program(now=now, created=created)
    with _one_doorbell_per_stream():
        _history(cast=cast, rng=rng, now=now, created=created, stdout=stdout)
    _open_calls(cast=cast, now=now, created=created)
    _final_team_statuses(cast)
    _first_positions(cast)
    _extensions(stdout=stdout)
    return created


def _program(*, now: datetime, created: dict) -> Cast:
    organization, _ = Organization.objects.get_or_create(
        id=demo_uuid("organization:Riverton Community Shelter"),
        defaults={
            "name": "Riverton Community Shelter",
            "description": "Emergency shelter, meals and case management for adults in Riverton.",
            "email": "intake@riverton-shelter.example.org",
            "website": "https://riverton-shelter.example.org",
        },
    )
    for name, description in [
        ("Emergency overnight shelter", "Beds for adults, open 6 pm to 8 am; walk-ins and team drop-offs welcome."),
        ("Housing case management", "A case manager helps with IDs, benefits and a housing plan."),
    ]:
        Service.objects.get_or_create(
            id=demo_uuid(f"service:{name}"),
            defaults={"organization": organization, "name": name, "description": description},
        )

    hashed = None
    users = {}
    specs = [(u, r, f, la, organization if r == Role.PARTNER else None) for u, r, f, la in STAFF]
    specs += [(f"responder{i + 1}", Role.RESPONDER, *RESPONDER_NAMES[i], None) for i in range(18)]
    for username, role, first, last, org in specs:
        user = User.objects.filter(username=username).first()
        if user is None:
            hashed = hashed or make_password(DEMO_PASSWORD)  # hash once: the hasher is slow on purpose
            user = User(username=username, role=role, first_name=first, last_name=last, partner_organization=org)
            user.email = f"{username}@riverton.example.org"
            user.password = hashed
            user.save()
            created["users"] += 1
        users[username] = user
    supervisor = users["supervisor"]

    teams = []
    crew = {}
    for index, (call_sign, name, capabilities, district) in enumerate(TEAMS):
        team = Team.objects.filter(call_sign=call_sign).first()
        if team is None:
            team = team_create(
                actor=supervisor,
                call_sign=call_sign,
                name=name,
                capabilities=[str(c) for c in capabilities],
                vehicle=f"RV-{101 + index}",
                radio=f"CRU-{call_sign[-1]}",
                home_district=district,
            )
            created["teams"] += 1
        teams.append(team)
        members = [users[f"responder{index * 3 + k + 1}"] for k in range(3)]
        for member, position in zip(members, POSITIONS, strict=True):
            if not Membership.objects.filter(user=member, team=team, active=True).exists():
                membership_set(actor=supervisor, team=team, user=member, position=position)
        crew[team.pk] = members
        _shift_for_today(team=team, members=members, hours=SHIFTS[index], now=now)

    for number in range(1, 19):
        _certifications(users[f"responder{number}"], number=number, today=now.astimezone(_program_zone()).date())

    for kind in CALL_KINDS:
        CallType.objects.get_or_create(
            code=kind.code,
            defaults={
                "name": kind.name,
                "description": kind.description,
                "default_priority": kind.priority,
                "required_capabilities": list(kind.capabilities),
            },
        )
    return Cast(supervisor, users["dispatcher"], users["calltaker"], teams, crew)


def _program_zone() -> ZoneInfo:
    return ZoneInfo(getattr(settings, "FIRSTLINE_PROGRAM_TIME_ZONE", "America/Denver"))


def _shift_for_today(*, team: Team, members: list[User], hours: tuple[int, int], now: datetime) -> None:
    zone = _program_zone()
    today = now.astimezone(zone).date()
    starts_at = datetime.combine(today, time(hours[0]), tzinfo=zone)
    shift, made = Shift.objects.get_or_create(
        team=team, starts_at=starts_at, defaults={"ends_at": starts_at + timedelta(hours=hours[1])}
    )
    if made:
        shift.members.set(members)


def _certifications(user: User, *, number: int, today: date) -> None:
    position = POSITIONS[(number - 1) % 3]
    kinds = {
        "peer specialist": [Certification.Kind.PEER_SPECIALIST, Certification.Kind.NALOXONE],
        "clinician": [Certification.Kind.CLINICAL_LICENSE, Certification.Kind.CIT],
        "EMT": [Certification.Kind.EMT, Certification.Kind.DRIVER],
    }[position] + [Certification.Kind.CPR]
    for offset, kind in enumerate(kinds):
        if Certification.objects.filter(responder=user, kind=kind).exists():
            continue
        # Every fifth responder's CPR card runs out within the month, so the expiry list is not empty.
        soon = kind == Certification.Kind.CPR and number % 5 == 0
        days_left = 6 + number if soon else 120 + 37 * ((number * 7 + offset * 13) % 17)
        expires_on = today + timedelta(days=days_left)
        Certification.objects.create(
            responder=user,
            kind=kind,
            title=Certification.Kind(kind).label,
            issued_on=expires_on - timedelta(days=730),
            expires_on=expires_on,
            reference=f"RV-{number:02d}-{offset + 1}",
        )


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


# --- a week of calls ---------------------------------------------------------------------------


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
    zone = _program_zone()
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
    }


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
                device_time=moment - timedelta(minutes=2),
            )
            _backdate_encounter(incident, moment - timedelta(minutes=2))
        assignment_set_status(actor=responder, assignment_id=assignment.pk, status=status, at=moment)
    if call.outcome == "cancelled_en_route":
        cancelled = call.steps[-1][1] + timedelta(minutes=2)
        incident_cancel(actor=cast.dispatcher, incident_id=incident.pk, reason="Caller left; person no longer there.")
        _backdate_cancel(incident, cancelled)
    return incident


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


# --- right now ---------------------------------------------------------------------------------

OPEN_CALLS = [
    # (key, minutes ago, call type, priority, source, district index, team index or None, steps minutes ago)
    ("demo-open-1", 3, "suicidal_ideation", 1, "988", 0, None, []),
    ("demo-open-2", 9, "mental_health_crisis", 2, "911", 2, None, []),
    ("demo-open-3", 14, "welfare_check", 3, "311", 5, None, []),
    ("demo-open-4", 26, "homelessness_outreach", 4, "211", 3, None, []),
    ("demo-open-5", 38, "intoxication", 3, "911", 0, 0, [("dispatch", 35), ("en_route", 33), ("on_scene", 21)]),
    ("demo-open-6", 8, "disorientation", 3, "police_request", 1, 1, [("dispatch", 6), ("en_route", 4)]),
]


def _open_calls(*, cast: Cast, now: datetime, created: dict) -> None:
    existing = set(Incident.objects.filter(external_id__startswith="demo-open-").values_list("external_id", flat=True))
    open_rng = random.Random(SEED + 1)
    for key, ago, code, priority, source, district_index, team_index, steps in OPEN_CALLS:
        district = DISTRICTS[district_index]
        location, lat, lon = _location(open_rng, district)
        summary = open_rng.choice(KINDS[code].summaries)
        if key in existing:
            continue
        with transaction.atomic():
            incident = incident_create(
                actor=cast.dispatcher if source in {"police_request", "self_initiated"} else cast.calltaker,
                summary=summary,
                location_text=location,
                call_type=code,
                priority=priority,
                source=source,
                latitude=lat,
                longitude=lon,
                district=district.name,
                callback="303-555-0142" if source in {"911", "988", "211", "311"} else "",
                received_at=now - timedelta(minutes=ago),
                external_id=key,
            )
            created["incidents"] += 1
            if team_index is None:
                continue
            team = Team.objects.get(pk=cast.teams[team_index].pk)
            if team.status != UnitStatus.AVAILABLE:
                continue  # the team is busy with something else now; leave the call waiting
            assignment = None
            for step, minutes in steps:
                at = now - timedelta(minutes=minutes)
                if step == "dispatch":
                    assignment = incident_assign(actor=cast.dispatcher, incident_id=incident.pk, team_id=team.pk, at=at)
                else:
                    responder = cast.crew[team.pk][0]
                    assignment_set_status(actor=responder, assignment_id=assignment.pk, status=step, at=at)


def _final_team_statuses(cast: Cast) -> None:
    """End with every team either available, off duty, or on one of the open calls."""
    for team in Team.objects.filter(pk__in=[t.pk for t in cast.teams]):
        wanted = UnitStatus.OFF_DUTY if team.call_sign in OFF_DUTY_TEAMS else UnitStatus.AVAILABLE
        if team.status == wanted or team.status not in {UnitStatus.AVAILABLE, UnitStatus.OFF_DUTY}:
            continue
        team_set_status(actor=cast.supervisor, team_id=team.pk, status=wanted, note="Demo shift")


def _first_positions(cast: Cast) -> None:
    """Give each team on shift a position (at its call, or near its home district) so the map shows it.

    Only teams that never reported one, so a second load adds no events.
    """
    centres = {d.name: (d.lat, d.lon) for d in DISTRICTS}
    rng = random.Random(SEED + 2)
    for team in Team.objects.filter(pk__in=[t.pk for t in cast.teams], last_position_at__isnull=True):
        if team.status == UnitStatus.OFF_DUTY:
            continue
        current = team.assignments.filter(status__in=["on_scene", "en_route"]).select_related("incident").first()
        if current is not None and current.incident.latitude is not None:
            lat, lon = current.incident.latitude, current.incident.longitude
            if current.status == "en_route":
                lat, lon = lat + 0.008, lon - 0.006
        else:
            lat, lon = centres.get(team.home_district, (DISTRICTS[0].lat, DISTRICTS[0].lon))
            lat, lon = lat + rng.uniform(-0.004, 0.004), lon + rng.uniform(-0.004, 0.004)
        team_report_position(actor=cast.crew[team.pk][0], team_id=team.pk, latitude=lat, longitude=lon)


# --- other apps' demo data ---------------------------------------------------------------------


def _extensions(*, stdout) -> None:
    for app in EXTENSION_APPS:
        name = f"apps.{app}.demo"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name in {name, f"apps.{app}"}:  # no such app or no demo module: nothing to load
                continue
            raise
        loader = getattr(module, "load_demo_data", None)
        if loader is not None:
            stdout.write(f"Loading {app} demo data…")
            loader(stdout=stdout)


def demo_summary() -> dict:
    from apps.streams.models import Event

    return {
        "users": User.objects.filter(username__in=demo_usernames()).count(),
        "teams": Team.objects.filter(call_sign__in=[t[0] for t in TEAMS]).count(),
        "call types": CallType.objects.filter(code__in=list(KINDS)).count(),
        "incidents": Incident.objects.filter(external_id__startswith="demo-").count(),
        "open incidents": Incident.objects.filter(
            external_id__startswith="demo-", status__in=["pending", "dispatched", "on_scene"]
        ).count(),
        "encounters": Encounter.objects.filter(incident__external_id__startswith="demo-").count(),
        "events": Event.objects.count(),
    }


def demo_usernames() -> list[str]:
    return [s[0] for s in STAFF] + [f"responder{i}" for i in range(1, 19)]


def demo_logins() -> list[tuple[str, str, str]]:
    logins = [(username, str(role), DEMO_PASSWORD) for username, role, _f, _l in STAFF]
    logins += [(f"responder{i}", f"responder ({TEAMS[(i - 1) // 3][0]})", DEMO_PASSWORD) for i in range(1, 19)]
    return logins
