"""A small program history with known answers, made through the real services on a hand-moved clock.

Riverton's clock is America/Denver; daylight saving time ends on Sunday 1 November 2026 at 02:00 MDT
(the clock goes back to 01:00 MST). Every moment below is written in local time with its offset.

| call | received (local)  | source | type | prio | district | teams                      | ends as            |
|------|-------------------|--------|------|------|----------|----------------------------|--------------------|
| C1   | Fri 30 Oct 10:00  | 911    | wc   | 2    | North    | A (police asked, came)     | resolved on scene  |
| C2   | Fri 30 Oct 14:00  | 988    | mh   | 1    | South    | A and B; B asked police    | police requested   |
| C3   | Sat 31 Oct 09:00  | 911    | wc   | 3    | North    | C, reassigned to B         | referred           |
| C4   | Sat 31 Oct 11:00  | 211    | wc   | 3    | South    | A, then the call cancelled | cancelled          |
| C5   | Sun 1 Nov 01:50 MDT | 911  | mh   | 2    | North    | A (01:10 MST); EMS asked   | transported        |
| S1   | Sun 1 Nov 09:00 MST | 911  | mh   | 1    | (none)   | C (screened: police co-response) | resolved on scene |
| S2   | Sun 1 Nov 10:00   | screened out (weapon): no call                                         |

The expected numbers are worked out by hand in tests/insights/test_measures.py.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from apps.demo.intake import ensure_policy
from apps.followups.models import PartnerServiceStaff
from apps.followups.referrals import referral_create, referral_transition
from apps.followups.services import followup_cancel, followup_complete, followup_create
from apps.incidents import services as calls
from apps.intake.services import call_screen
from apps.safety.services import co_response_request, co_response_update
from apps.teams.models import Shift
from tests.factories import MembershipFactory, OrganizationFactory, ServiceFactory, TeamFactory, UserFactory

DENVER = ZoneInfo("America/Denver")
MDT = timezone.get_fixed_timezone(-6 * 60)
MST = timezone.get_fixed_timezone(-7 * 60)
CONSENT = {
    "scope": ["need", "age_range", "language", "housing_status"],
    "recipients": "service",
    "expires_at": None,
    "substance_use_records": False,
    "given_by": "verbal",
}
NO_ANSWERS = {
    "weapon_involved": False,
    "violence_or_threats": False,
    "medical_emergency": False,
    "crime_in_progress": False,
    "suicide_attempt_with_means": False,
}


class Clock:
    """What `django.utils.timezone.now` answers while the history is written."""

    def __init__(self, monkeypatch, start: datetime):
        self.moment = start
        monkeypatch.setattr(timezone, "now", lambda: self.moment)

    def at(self, moment: datetime) -> datetime:
        self.moment = moment
        return moment


def mdt(month, day, hour, minute=0, second=0) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=MDT)


def mst(month, day, hour, minute=0, second=0) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=MST)


@dataclass
class World:
    supervisor: object
    dispatcher: object
    teams: dict
    responders: dict
    calls: dict = field(default_factory=dict)
    policy: object = None
    partners: dict = field(default_factory=dict)
    referrals: dict = field(default_factory=dict)
    followups: dict = field(default_factory=dict)


def people(*, supervisor, dispatcher) -> World:
    teams = {name: TeamFactory(call_sign=f"CR-{name}") for name in "ABC"}
    responders = {
        name: MembershipFactory(team=team, user=UserFactory(username=f"responder-{name}")).user
        for name, team in teams.items()
    }
    return World(supervisor=supervisor, dispatcher=dispatcher, teams=teams, responders=responders)


def _send(world, clock, incident, team, at):
    clock.at(at)
    return calls.incident_assign(actor=world.dispatcher, incident_id=incident.pk, team_id=world.teams[team].pk, at=at)


def _move(world, clock, assignment, status, at):
    clock.at(at)
    return calls.assignment_set_status(actor=world.dispatcher, assignment_id=assignment.pk, status=status, at=at)


def _document(world, clock, incident, team, at, disposition, people_served=1, needs=()):
    clock.at(at)
    return calls.encounter_record(
        actor=world.responders[team],
        incident_id=incident.pk,
        disposition=disposition,
        people_served=people_served,
        needs=list(needs),
    )


def _ask(world, clock, incident, team, at, agency, reason, *, arrived=None, outcome=None):
    """A responder of `team` asks another agency to the call; then its arrival and outcome, if any."""
    clock.at(at)
    actor = world.responders[team]
    asked = co_response_request(actor=actor, co_response_id=uuid.uuid4(), incident_id=incident.pk, agency=agency,
                                reason=reason, via="tablet", at=at)  # fmt: skip
    changes = {key: value for key, value in (("arrived_at", arrived), ("outcome", outcome)) if value is not None}
    if changes:
        clock.at(arrived or at)
        co_response_update(actor=actor, co_response_id=asked.pk, **changes)
    return asked


def _create(world, clock, at, **fields):
    clock.at(at)
    return calls.incident_create(
        actor=world.dispatcher, summary="Person needs help", location_text="Civic Center Park", received_at=at, **fields
    )


def build(world: World, clock: Clock) -> World:
    clock.at(mdt(10, 1, 9))
    world.policy = ensure_policy(actor=world.supervisor)
    wc, mh = "welfare_check", "mental_health_crisis"

    # C1: one team, on scene in 12 minutes.
    c1 = _create(
        world, clock, mdt(10, 30, 10), source="911", call_type=wc, priority=2, district="North", callback="303-555-0101"
    )
    a = _send(world, clock, c1, "A", mdt(10, 30, 10, 2))
    _move(world, clock, a, "en_route", mdt(10, 30, 10, 3))
    _move(world, clock, a, "on_scene", mdt(10, 30, 10, 12))
    _ask(world, clock, c1, "A", mdt(10, 30, 10, 15), "police", "crime", arrived=mdt(10, 30, 10, 25), outcome="assisted")
    v1 = _document(world, clock, c1, "A", mdt(10, 30, 10, 30), "resolved_on_scene", needs=["shelter"])
    _move(world, clock, a, "cleared", mdt(10, 30, 10, 42))

    # C2: two teams; the second team's encounter (written last) ends it with police requested.
    c2 = _create(
        world, clock, mdt(10, 30, 14), source="988", call_type=mh, priority=1, district="South", callback="303-555-0102"
    )
    a = _send(world, clock, c2, "A", mdt(10, 30, 14, 1))
    b = _send(world, clock, c2, "B", mdt(10, 30, 14, 5))
    _move(world, clock, a, "en_route", mdt(10, 30, 14, 2))
    _move(world, clock, b, "en_route", mdt(10, 30, 14, 6))
    _move(world, clock, a, "on_scene", mdt(10, 30, 14, 9, 30))
    _move(world, clock, b, "on_scene", mdt(10, 30, 14, 15))
    _ask(world, clock, c2, "B", mdt(10, 30, 14, 20), "police", "violence", arrived=mdt(10, 30, 14, 28))
    _document(world, clock, c2, "A", mdt(10, 30, 14, 30), "resolved_on_scene", people_served=2)
    _document(world, clock, c2, "B", mdt(10, 30, 14, 35), "police_requested")
    _move(world, clock, a, "cleared", mdt(10, 30, 14, 40))
    _move(world, clock, b, "cleared", mdt(10, 30, 14, 50))

    # C3: team C sent, then the call reassigned to team B, which arrives late (50 minutes, target 45).
    c3 = _create(world, clock, mdt(10, 31, 9), source="911", call_type=wc, priority=3, district="North")
    first = _send(world, clock, c3, "C", mdt(10, 31, 9, 5))
    clock.at(mdt(10, 31, 9, 10))
    b = calls.incident_reassign(actor=world.dispatcher, assignment_id=first.pk, team_id=world.teams["B"].pk)
    _move(world, clock, b, "en_route", mdt(10, 31, 9, 12))
    _move(world, clock, b, "on_scene", mdt(10, 31, 9, 50))
    v3 = _document(world, clock, c3, "B", mdt(10, 31, 10), "referred", needs=["shelter", "food"])
    _move(world, clock, b, "cleared", mdt(10, 31, 10, 20))

    # C4: cancelled five minutes after team A was sent (same caller as C1).
    c4 = _create(
        world, clock, mdt(10, 31, 11), source="211", call_type=wc, priority=3, district="South", callback="303-555-0101"
    )
    _send(world, clock, c4, "A", mdt(10, 31, 11, 3))
    clock.at(mdt(10, 31, 11, 8))
    calls.incident_cancel(actor=world.dispatcher, incident_id=c4.pk, reason="Caller called back: not needed")

    # C5: across the clock change. The caller of C1 again, two days later (a repeat contact).
    c5 = _create(
        world,
        clock,
        mdt(11, 1, 1, 50),
        source="911",
        call_type=mh,
        priority=2,
        district="North",
        callback="303-555-0101",
    )
    a = _send(world, clock, c5, "A", mdt(11, 1, 1, 55))
    _move(world, clock, a, "en_route", mdt(11, 1, 1, 58))
    _move(world, clock, a, "on_scene", mst(11, 1, 1, 10))  # 20 real minutes after the call
    _ask(world, clock, c5, "A", mst(11, 1, 1, 12), "ems", "transport", outcome="not_needed")
    _document(world, clock, c5, "A", mst(11, 1, 1, 20), "transported")
    _move(world, clock, a, "cleared", mst(11, 1, 1, 40))

    # S1: screened in as a police co-response (violence), priority 1; S2: screened out (a weapon).
    clock.at(mst(11, 1, 9))
    s1 = call_screen(
        actor=world.dispatcher,
        answers={**NO_ANSWERS, "violence_or_threats": True},
        call_type=mh,
        location_text="Library steps",
        summary="Shouting at passers-by",
        received_at=mst(11, 1, 9),
    )
    a = _send(world, clock, s1.incident, "C", mst(11, 1, 9, 2))
    _move(world, clock, a, "on_scene", mst(11, 1, 9, 8))
    _document(world, clock, s1.incident, "C", mst(11, 1, 9, 20), "resolved_on_scene")
    _move(world, clock, a, "cleared", mst(11, 1, 9, 30))
    clock.at(mst(11, 1, 10))
    s2 = call_screen(
        actor=world.dispatcher,
        answers={**NO_ANSWERS, "weapon_involved": True},
        call_type=wc,
        location_text="",
        summary="Man with a knife",
    )
    world.calls = {"C1": c1, "C2": c2, "C3": c3, "C4": c4, "C5": c5, "S1": s1.incident, "S2": s2}

    # Referrals: R1 from C3 to the shelter, the whole loop; R2 from C1 to the food bank, accepted only.
    shelter = ServiceFactory(name="Emergency beds", organization=OrganizationFactory(name="Riverton Shelter"))
    food = ServiceFactory(name="Pantry", organization=OrganizationFactory(name="Food Bank"))
    for name, service in (("shelter", shelter), ("food", food)):
        staff = UserFactory(role="partner", username=f"{name}-staff", partner_organization=service.organization)
        PartnerServiceStaff.objects.create(user=staff, service=service)
        world.partners[name] = (service, staff)
    clock.at(mdt(10, 31, 10, 30))
    r1 = referral_create(
        actor=world.responders["B"],
        encounter_id=v3.encounter_id,
        service_id=shelter.pk,
        consent=CONSENT,
        need="shelter",
    )
    clock.at(mdt(10, 31, 12, 30))
    referral_transition(actor=world.partners["shelter"][1], referral_id=r1.pk, status="accepted")
    clock.at(mst(11, 1, 12, 30))  # 25 hours later: the night had an extra hour
    referral_transition(actor=world.partners["shelter"][1], referral_id=r1.pk, status="delivered")
    clock.at(mst(11, 2, 12, 30))
    referral_transition(actor=world.supervisor, referral_id=r1.pk, status="closed")
    clock.at(mdt(10, 30, 11))
    r2 = referral_create(
        actor=world.responders["A"], encounter_id=v1.encounter_id, service_id=food.pk, consent=CONSENT, need="food"
    )
    clock.at(mdt(10, 30, 11, 30))
    referral_transition(actor=world.partners["food"][1], referral_id=r2.pk, status="accepted")
    world.referrals = {"R1": r1, "R2": r2}

    # Follow-ups due on Monday 2 November: one on time, one late, one cancelled, one about staff.
    clock.at(mst(11, 1, 12))
    sup = world.supervisor
    f1 = followup_create(actor=sup, kind="check_in_call", due_at=mst(11, 2, 10), team_id=world.teams["A"].pk)
    f2 = followup_create(actor=sup, kind="visit", due_at=mst(11, 2, 12), team_id=world.teams["B"].pk)
    f3 = followup_create(actor=sup, kind="welfare_recheck", due_at=mst(11, 2, 12), team_id=world.teams["A"].pk)
    f4 = followup_create(actor=sup, kind="wellness_debrief", due_at=mst(11, 2, 12), team_id=world.teams["A"].pk)
    clock.at(mst(11, 2, 9))
    followup_complete(actor=sup, followup_id=f1.pk, outcome="reached")
    clock.at(mst(11, 2, 13))
    followup_complete(actor=sup, followup_id=f2.pk, outcome="not_reached")
    followup_cancel(actor=sup, followup_id=f3.pk, reason="Moved away")
    world.followups = {"F1": f1, "F2": f2, "F3": f3, "F4": f4}

    # Shifts: B for 8 hours on Friday; A overnight into the long night of the clock change (13 hours).
    Shift.objects.create(team=world.teams["B"], starts_at=mdt(10, 30, 8), ends_at=mdt(10, 30, 16))
    Shift.objects.create(team=world.teams["A"], starts_at=mdt(10, 31, 20), ends_at=mst(11, 1, 8))
    return world


def local(moment: datetime) -> datetime:
    return moment.astimezone(DENVER)


ONE_MINUTE = timedelta(minutes=1)
