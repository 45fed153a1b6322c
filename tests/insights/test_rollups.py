"""The rollups stay what a full recomputation would make, however the program changes under them,
and a real worker brings a changed call into them."""

import random
import time
import uuid
from datetime import date, timedelta

import pytest
from django.utils import timezone

from apps.common.days import local_day
from apps.demo.intake import ensure_policy
from apps.followups.referrals import referral_create, referral_transition
from apps.followups.services import followup_cancel, followup_complete, followup_create
from apps.incidents import services as calls
from apps.incidents.models import Assignment, CallType, Encounter, Incident
from apps.incidents.states import ACTIVE_ASSIGNMENT_STATUSES, OPEN_INCIDENT_STATUSES
from apps.insights.models import (
    CallFact,
    DailyRollup,
    FollowUpFact,
    MonthlyRollup,
    ReferralFact,
    RollupCursor,
    ScreeningFact,
)
from apps.insights.selectors import measure_values
from apps.insights.services import rollups_follow, rollups_rebuild, rollups_refresh_recent
from apps.intake.services import call_screen
from apps.safety.services import co_response_request
from apps.streams.models import Event
from apps.teams.models import Shift, Team, UnitStatus
from tests.factories import OrganizationFactory, ServiceFactory
from tests.insights.dataset import CONSENT, NO_ANSWERS, Clock, mdt, people
from tests.servers import CeleryWorker

NEXT = {
    "dispatched": "en_route",
    "acknowledged": "en_route",
    "en_route": "on_scene",
    "on_scene": "cleared",
    "transporting": "cleared",
    "at_destination": "cleared",
}
DISPOSITIONS = ["resolved_on_scene", "transported", "referred", "police_requested", "ems_requested", "arrest_by_police"]


def snapshot() -> dict:
    """Everything the rollups hold, in a stable order, to compare two ways of computing them."""
    return {
        "days": sorted(
            (
                r.day,
                r.dimension,
                r.value,
                sorted(r.counts.items()),
                sorted((k, sorted(v.items())) for k, v in r.histograms.items()),
            )
            for r in DailyRollup.objects.all()
        ),
        "months": sorted(
            (
                r.month,
                r.dimension,
                r.value,
                sorted(r.counts.items()),
                sorted((k, sorted(v.items())) for k, v in r.histograms.items()),
            )
            for r in MonthlyRollup.objects.all()
        ),
        "calls": list(CallFact.objects.order_by("pk").values()),
        "screenings": list(ScreeningFact.objects.order_by("pk").values()),
        "referrals": list(ReferralFact.objects.order_by("pk").values()),
        "followups": list(FollowUpFact.objects.order_by("pk").values()),
    }


def follow_all() -> int:
    total = applied = rollups_follow()
    while applied:
        applied = rollups_follow()
        total += applied
    return total


class Program:
    """Random but valid work, through the real services, on a clock that only moves forward."""

    def __init__(self, rng: random.Random, world, clock: Clock):
        self.rng, self.world, self.clock = rng, world, clock
        self.services = [ServiceFactory(organization=OrganizationFactory()) for _ in range(2)]

    def tick(self):
        return self.clock.at(
            self.clock.moment + timedelta(minutes=self.rng.randint(3, 60), seconds=self.rng.randint(0, 59))
        )

    def open_calls(self):
        return list(Incident.objects.filter(status__in=OPEN_INCIDENT_STATUSES).order_by("pk"))

    def free_team(self):
        free = list(Team.objects.filter(status=UnitStatus.AVAILABLE).order_by("pk"))
        return self.rng.choice(free) if free else None

    def responder_of(self, team_id):
        return next(u for name, u in self.world.responders.items() if self.world.teams[name].pk == team_id)

    def create(self):
        at = self.tick()
        calls.incident_create(
            actor=self.world.dispatcher,
            summary="Person needs help",
            location_text="Main St",
            received_at=at - timedelta(minutes=self.rng.randint(0, 20)),
            source=self.rng.choice(["911", "988", "211", "311"]),
            call_type=self.rng.choice(["welfare_check", "mental_health_crisis"]),
            priority=self.rng.randint(1, 4),
            district=self.rng.choice(["North", "South", ""]),
            callback=self.rng.choice(["303-555-0101", "303-555-0102", "303-555-0103", ""]),
        )

    def screen(self):
        at = self.tick()
        answers = {**NO_ANSWERS, self.rng.choice(list(NO_ANSWERS)): self.rng.random() < 0.5}
        call_screen(
            actor=self.world.dispatcher,
            answers=answers,
            call_type="welfare_check",
            location_text="Elm St",
            summary="Screened call",
            received_at=at,
        )

    def assign(self):
        pending, team = self.open_calls(), self.free_team()
        if pending and team:
            at = self.tick()
            calls.incident_assign(
                actor=self.world.dispatcher, incident_id=self.rng.choice(pending).pk, team_id=team.pk, at=at
            )

    def move(self):
        active = list(Assignment.objects.filter(status__in=ACTIVE_ASSIGNMENT_STATUSES).order_by("pk"))
        if active:
            a = self.rng.choice(active)
            at = self.tick()
            calls.assignment_set_status(actor=self.world.dispatcher, assignment_id=a.pk, status=NEXT[a.status], at=at)

    def reassign(self):
        movable = list(Assignment.objects.filter(status__in=["dispatched", "en_route"]).order_by("pk"))
        team = self.free_team()
        if movable and team:
            self.tick()
            calls.incident_reassign(
                actor=self.world.dispatcher, assignment_id=self.rng.choice(movable).pk, team_id=team.pk
            )

    def cancel(self):
        open_calls = self.open_calls()
        if open_calls:
            self.tick()
            calls.incident_cancel(
                actor=self.world.dispatcher, incident_id=self.rng.choice(open_calls).pk, reason="Not needed"
            )

    def document(self):
        on_calls = list(Assignment.objects.filter(status__in=ACTIVE_ASSIGNMENT_STATUSES).order_by("pk"))
        if on_calls:
            a = self.rng.choice(on_calls)
            self.tick()
            calls.encounter_record(
                actor=self.responder_of(a.team_id),
                incident_id=a.incident_id,
                disposition=self.rng.choice(DISPOSITIONS),
                people_served=self.rng.randint(0, 3),
                needs=self.rng.sample(["shelter", "food", "detox"], self.rng.randint(0, 2)),
            )

    def edit(self):
        known = self.open_calls()
        if known:
            self.tick()
            change = self.rng.choice(
                [
                    {"priority": self.rng.randint(1, 4)},
                    {"district": self.rng.choice(["North", "South", "East"])},
                    {"callback": self.rng.choice(["303-555-0101", "303-555-0104", ""])},
                    {
                        "call_type": CallType.objects.get(
                            code=self.rng.choice(["welfare_check", "mental_health_crisis"])
                        )
                    },
                ]
            )
            calls.incident_update(actor=self.world.supervisor, incident_id=self.rng.choice(known).pk, **change)

    def co_respond(self):
        on_calls = list(Assignment.objects.filter(status__in=ACTIVE_ASSIGNMENT_STATUSES).order_by("pk"))
        if on_calls:
            a = self.rng.choice(on_calls)
            at = self.tick()
            co_response_request(
                actor=self.responder_of(a.team_id),
                co_response_id=uuid.uuid4(),
                incident_id=a.incident_id,
                agency=self.rng.choice(["police", "ems", "fire"]),
                reason=self.rng.choice(["violence", "medical", "crime"]),
                via="tablet",
                at=at,
            )

    def refer(self):
        encounters = list(Encounter.objects.exclude(current_version=0).order_by("pk"))
        if encounters:
            self.tick()
            referral = referral_create(
                actor=self.world.supervisor,
                encounter_id=self.rng.choice(encounters).pk,
                service_id=self.rng.choice(self.services).pk,
                consent=CONSENT,
                need="food",
            )
            if self.rng.random() < 0.5:
                self.tick()
                referral_transition(actor=self.world.supervisor, referral_id=referral.pk, status="cancelled")

    def follow_up(self):
        self.tick()
        team = self.rng.choice(list(self.world.teams.values()))
        due = self.clock.moment + timedelta(hours=self.rng.randint(1, 30))
        f = followup_create(
            actor=self.world.supervisor, kind=self.rng.choice(["check_in_call", "visit"]), due_at=due, team_id=team.pk
        )
        self.tick()
        if self.rng.random() < 0.4:
            followup_complete(actor=self.world.supervisor, followup_id=f.pk, outcome="reached")
        elif self.rng.random() < 0.3:
            followup_cancel(actor=self.world.supervisor, followup_id=f.pk, reason="Moved")

    def step(self):
        action = self.rng.choices(
            [
                self.create,
                self.screen,
                self.assign,
                self.move,
                self.reassign,
                self.cancel,
                self.document,
                self.edit,
                self.co_respond,
                self.refer,
                self.follow_up,
                follow_all,
            ],
            weights=[6, 2, 6, 8, 1, 1, 4, 2, 1, 1, 1, 3],
        )[0]
        action()


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [15, 2026])
def test_rollups_kept_by_following_the_log_equal_a_full_rebuild_after_random_changes(
    seed, monkeypatch, supervisor, dispatcher
):
    clock = Clock(monkeypatch, mdt(10, 31, 6))
    world = people(supervisor=supervisor, dispatcher=dispatcher)
    ensure_policy(actor=supervisor)
    rollups_rebuild()
    program = Program(random.Random(seed), world, clock)
    for _ in range(120):  # about three days of work, across the end of daylight saving time
        program.step()
    assert follow_all() >= 0
    followed = snapshot()
    assert followed["calls"], "the random work made calls"
    assert local_day(clock.moment) > date(2026, 11, 1), "the work went past the clock change"
    rollups_rebuild()
    assert snapshot() == followed


@pytest.mark.django_db
def test_a_change_to_a_call_moves_it_between_days_and_groups_when_the_log_is_followed(
    monkeypatch, supervisor, dispatcher
):
    clock = Clock(monkeypatch, mdt(10, 30, 9))
    world = people(supervisor=supervisor, dispatcher=dispatcher)
    rollups_rebuild()
    call = calls.incident_create(
        actor=dispatcher,
        summary="Help",
        location_text="Main St",
        district="North",
        received_at=mdt(10, 30, 9),
        callback="303-555-0101",
    )
    calls.incident_create(
        actor=dispatcher,
        summary="Again",
        location_text="Main St",
        district="North",
        received_at=mdt(11, 20, 9),
        callback="303-555-0101",
    )
    assert follow_all() > 0
    rows = measure_values("calls", start=date(2026, 10, 1), end=date(2026, 11, 30), by="district")
    assert [(r["group"], r["value"]) for r in rows] == [("North", 2)]
    assert measure_values("repeat_contacts_30", start=date(2026, 11, 1), end=date(2026, 11, 30))[0]["value"] == 100.0
    calls.incident_update(actor=supervisor, incident_id=call.pk, district="South", callback="303-555-0199")
    clock.at(mdt(10, 30, 10))
    calls.incident_cancel(actor=dispatcher, incident_id=call.pk, reason="Duplicate")
    assert follow_all() > 0
    rows = measure_values("calls", start=date(2026, 10, 1), end=date(2026, 11, 30), by="district")
    assert [(r["group"], r["value"]) for r in rows] == [("North", 1), ("South", 1)]
    assert measure_values("calls_cancelled", start=date(2026, 10, 30), end=date(2026, 10, 30))[0]["value"] == 1
    # The second call no longer follows one from its number: its repeat flag went with the edit.
    assert measure_values("repeat_contacts_30", start=date(2026, 11, 1), end=date(2026, 11, 30))[0]["value"] == 0.0
    assert world.teams  # the people exist, though no team was sent


@pytest.mark.django_db
def test_an_event_committed_late_below_the_cursor_is_still_applied(monkeypatch, supervisor, dispatcher):
    """A transaction that took its event id earlier but committed after a later one looks like a gap;
    the cursor remembers the gap and applies the event when it shows up."""
    clock = Clock(monkeypatch, mdt(10, 30, 9))
    people(supervisor=supervisor, dispatcher=dispatcher)
    calls.incident_create(actor=dispatcher, summary="Zero", location_text="Main St", received_at=mdt(10, 29, 9))
    rollups_rebuild()  # the cursor is placed at the log's head: that first call's event
    first = calls.incident_create(actor=dispatcher, summary="One", location_text="Main St", received_at=mdt(10, 30, 9))
    calls.incident_create(actor=dispatcher, summary="Two", location_text="Main St", received_at=mdt(10, 30, 9, 5))
    hidden = Event.objects.filter(kind="incident.created", data__incident=first.pk).get()
    saved = {"stream": hidden.stream, "seq": hidden.seq, "kind": hidden.kind, "data": hidden.data, "pk": hidden.pk}
    Event.objects.filter(pk=hidden.pk).delete()
    assert follow_all() == 1
    assert str(saved["pk"]) in RollupCursor.objects.get(name="events").gaps
    assert measure_values("calls", start=date(2026, 10, 30), end=date(2026, 10, 30))[0]["value"] == 1
    Event.objects.create(**saved)
    assert follow_all() == 1
    assert measure_values("calls", start=date(2026, 10, 30), end=date(2026, 10, 30))[0]["value"] == 2
    assert RollupCursor.objects.get(name="events").gaps == {}
    assert clock.moment


@pytest.mark.services
def test_a_real_worker_brings_a_changed_call_into_the_rollups(transactional_db, supervisor, dispatcher):
    rollups_rebuild()
    today = local_day(timezone.now())
    worker = CeleryWorker(beat=True, extra_env={"FIRSTLINE_INSIGHTS_SECONDS": "1"}).start()
    try:
        call = calls.incident_create(actor=dispatcher, summary="Help", location_text="Main St", source="988")
        assert wait_until(lambda: counted("calls", today, by="source") == {"988": 1}), "the new call never arrived"
        calls.incident_cancel(actor=dispatcher, incident_id=call.pk, reason="Caller called back")
        assert wait_until(lambda: counted("calls_cancelled", today, by="source") == {"988": 1}), "no cancellation"
    finally:
        worker.stop()


def counted(key, day, *, by):
    return {r["group"]: r["value"] for r in measure_values(key, start=day, end=day, by=by) if r["value"]}


def wait_until(predicate, *, timeout: float = 60, step: float = 0.3) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


@pytest.mark.django_db
def test_shift_hours_reach_the_rollups_with_the_hourly_refresh_of_the_days_around_today(
    monkeypatch, supervisor, dispatcher
):
    Clock(monkeypatch, mdt(10, 30, 9))
    world = people(supervisor=supervisor, dispatcher=dispatcher)
    rollups_rebuild()
    Shift.objects.create(team=world.teams["A"], starts_at=mdt(10, 30, 8), ends_at=mdt(10, 30, 16))
    follow_all()  # a shift written in the admin sends no event
    day = date(2026, 10, 30)
    assert measure_values("team_hours_on_shift", start=day, end=day)[0]["value"] == 0
    rollups_refresh_recent()
    assert measure_values("team_hours_on_shift", start=day, end=day)[0]["value"] == 8.0
    assert measure_values("team_hours_on_shift", start=date(2026, 10, 1), end=date(2026, 10, 31))[0]["value"] == 8.0
