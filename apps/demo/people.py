"""The demo's people and teams: staff logins, eighteen responders in six teams, today's shifts,
certifications, the shelter partner, and the call types the calls use.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.common.days import local_day, program_zone
from apps.demo.call_kinds import CALL_KINDS, named_in_other_languages
from apps.demo.city import demo_uuid
from apps.incidents.models import CallType
from apps.resources.models import Organization, Service
from apps.teams.models import Capability, Certification, Membership, Shift, Team
from apps.teams.services import membership_set, team_create

DEMO_PASSWORD = "firstline-demo"  # noqa: S105 (public by design: the demo logins)


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
# The past week the demo writes (apps/demo/history.py): its teams were on shift, and on their teams, all of it.
HISTORY_DAYS = 7
OFF_DUTY_TEAMS = {"CR-6"}


@dataclass
class Cast:
    supervisor: User
    dispatcher: User
    calltaker: User
    teams: list[Team]
    crew: dict[int, list[User]] = field(default_factory=dict)


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
        week_ago = now - timedelta(days=HISTORY_DAYS + 1)
        Membership.objects.filter(team=team, user__in=members, active=True, started_at__gt=week_ago).update(
            started_at=week_ago
        )
        for days_back in range(HISTORY_DAYS, -1, -1):
            _shift_for_day(team=team, members=members, hours=SHIFTS[index], now=now - timedelta(days=days_back))

    for number in range(1, 19):
        _certifications(users[f"responder{number}"], number=number, today=local_day(now))

    for kind in CALL_KINDS:
        call_type, _made = CallType.objects.get_or_create(
            code=kind.code,
            defaults={
                "name": kind.name,
                "description": kind.description,
                "default_priority": kind.priority,
                "required_capabilities": list(kind.capabilities),
            },
        )
        named_in_other_languages(call_type)
    return Cast(supervisor, users["dispatcher"], users["calltaker"], teams, crew)


def _shift_for_day(*, team: Team, members: list[User], hours: tuple[int, int], now: datetime) -> None:
    zone = program_zone()
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


def demo_usernames() -> list[str]:
    return [s[0] for s in STAFF] + [f"responder{i}" for i in range(1, 19)]


def demo_logins() -> list[tuple[str, str, str]]:
    logins = [(username, str(role), DEMO_PASSWORD) for username, role, _f, _l in STAFF]
    logins += [(f"responder{i}", f"responder ({TEAMS[(i - 1) // 3][0]})", DEMO_PASSWORD) for i in range(1, 19)]
    return logins
