"""The archive's plan: day by day, which calls came in, how they were screened, which teams went
and how each call ended, from one seeded generator. Plans only; rows.py writes them.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from apps.common.days import local_day, program_zone
from apps.demo.archive.cast import Cast
from apps.demo.call_kinds import (
    CALL_KINDS,
    DISPOSITION_WEIGHTS,
    DISPOSITIONS,
    HOUR_WEIGHTS,
    SOURCE_WEIGHTS,
    SOURCES,
    CallKind,
    D,
)
from apps.demo.city import DISTRICT_WEIGHTS, DISTRICTS, District
from apps.demo.people import HISTORY_DAYS
from apps.incidents.models import CallType
from apps.intake.services.screening import screening_evaluate
from apps.teams.models import Capability, Team

PREFIX = "archive-"
# The rota the program ran over the year, by team (program-local start hour, hours): staggered to
# follow the calls, busiest in the evening, so two to four teams are on from late morning to 3 am.
ROTA = [(7, 10), (9, 10), (11, 10), (14, 10), (17, 10), (22, 10)]
MONTHS = 13
CALL_CENTER_SOURCES = {"911", "988", "211", "311"}
# Calls a day by weekday (Monday first): Friday and Saturday are the busiest, Sunday the quietest.
WEEKDAY_FACTORS = (0.97, 0.95, 0.97, 1.0, 1.08, 1.1, 0.93)
# Seconds from the call to sending a team, by priority: the target (10, 20, 45, 120 min to arrive) shows.
DISPATCH_DELAY = {1: (30, 150), 2: (60, 420), 3: (120, 1200), 4: (300, 3000)}
# What a screening may hear beside the usual all-no answers: (answers, share of screened calls, override).
SCREENING_VARIANTS = [
    ({"violence_or_threats": "yes"}, 0.03, None),
    ({"medical_emergency": "yes"}, 0.03, None),
    ({"crime_in_progress": "yes"}, 0.01, None),
    ({"crime_in_progress": "yes"}, 0.012, "Store confirmed nothing was taken; the person is alone and calm."),
]
SCREENED_OUT_VARIANTS = [({"weapon_involved": "yes"}, 0.8), ({"suicide_attempt_with_means": "yes"}, 0.2)]
ALL_NO = {"weapon_involved": "no", "violence_or_threats": "no", "medical_emergency": "no"}
ALL_NO["suicide_attempt_with_means"] = "no"


def archive_start(now: datetime) -> date:
    """The first day of the month thirteen months before the worked week begins."""
    last = local_day(now - timedelta(days=HISTORY_DAYS))
    months = last.year * 12 + last.month - 1 - MONTHS
    return date(months // 12, months % 12 + 1, 1)


def _season(day: date) -> float:
    """1 in spring and autumn, up to +8% in July and down to -8% in January."""
    return math.cos(2 * math.pi * (day.timetuple().tm_yday - 196) / 365.25)


def _kind_weights(day: date) -> list[float]:
    summer = _season(day)
    bump = {
        "homelessness_outreach": 1 - 0.45 * summer,  # cold nights bring people in need of a bed
        "welfare_check": 1 - 0.15 * summer,
        "intoxication": 1 + 0.3 * summer,
        "conflict_resolution": 1 + 0.2 * summer,
    }
    return [kind.weight * bump.get(kind.code, 1.0) for kind in CALL_KINDS]


def _on(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=program_zone()).astimezone(UTC)


@dataclass
class Visit:
    """One team sent to one call, with the stamps the assignment services would have written."""

    team: Team
    dispatched_at: datetime
    en_route_at: datetime | None = None
    on_scene_at: datetime | None = None
    transport_started_at: datetime | None = None
    at_destination_at: datetime | None = None
    cleared_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancel_reason: str = ""


@dataclass
class Call:
    number: int
    received_at: datetime
    kind: CallKind
    source: str
    district: District
    priority: int
    evaluation: object = None  # the policy's Evaluation when a call-taker screened it
    override: str | None = None
    screened_out: bool = False
    decided_at: datetime | None = None  # when the call-taker's screening decision was made
    waited: bool = False  # no team was free when it was screened in (an unmet need)
    visits: list[Visit] = field(default_factory=list)
    disposition: str = ""
    cancelled_at: datetime | None = None
    cancel_reason: str = ""

    @property
    def worked(self) -> Visit | None:
        """The visit that documented the call (the last team to clear it)."""
        cleared = [v for v in self.visits if v.cleared_at and v.on_scene_at]
        return max(cleared, key=lambda v: v.cleared_at) if cleared else None


class ArchivePlanner:
    """Day by day calls, screening, teams sent and how each call ended, from one seeded generator.

    Teams take calls only on their shifts (one a day each, on the year's ROTA, a few shifts left
    unstaffed), one call at a time: a call that finds no team free waits.
    """

    def __init__(self, cast: Cast, rng: random.Random, *, calls_per_day: float = 47.0, first_number: int = 1):
        self.cast, self.rng, self.calls_per_day = cast, rng, calls_per_day
        self.free_at = {team.pk: datetime(2000, 1, 1, tzinfo=UTC) for team in cast.teams}
        self.shifts: dict[tuple[int, date], tuple[datetime, datetime] | None] = {}
        self.number = first_number - 1
        self.evaluations: dict[tuple, object] = {}
        self.zone = program_zone()

    # --- shifts -----------------------------------------------------------------------------------

    def shifts_for(self, day: date) -> list[tuple[Team, datetime, datetime]]:
        """Each team's shift that starts on `day` (about one in fifty left unstaffed)."""
        made = []
        for index, team in enumerate(self.cast.teams):
            start_hour, hours = ROTA[index % len(ROTA)]
            if self.rng.random() < 0.02:
                self.shifts[(team.pk, day)] = None
                continue
            starts_at = _on(day, start_hour)
            span = (starts_at, starts_at + timedelta(hours=hours))
            self.shifts[(team.pk, day)] = span
            made.append((team, *span))
        return made

    def _on_shift(self, team: Team, moment: datetime) -> bool:
        day = moment.astimezone(self.zone).date()
        for d in (day, day - timedelta(days=1)):
            span = self.shifts.get((team.pk, d))
            if span and span[0] <= moment < span[1]:
                return True
        return False

    def _available_at(self, team: Team, moment: datetime) -> datetime | None:
        """When the team can next take a call at or after `moment`: free, and on one of its shifts."""
        moment = max(moment, self.free_at[team.pk])
        if self._on_shift(team, moment):
            return moment
        day = moment.astimezone(self.zone).date()
        starts = [self.shifts.get((team.pk, day + timedelta(days=n))) for n in range(3)]
        later = [span[0] for span in starts if span and span[0] > moment]
        return min(later) if later else None

    def _pick(self, call: Call, wanted: datetime, *, besides: tuple = ()) -> tuple[Team, datetime, bool]:
        """The free team on shift that fits best; if none is free, the one that is available first."""

        def score(team: Team) -> tuple:
            fits = all(c in team.capabilities for c in call.kind.capabilities)
            return (not fits, team.home_district != call.district.name, team.call_sign)

        pool = [t for t in self.cast.teams if t.pk not in besides]
        options = [(self._available_at(t, wanted), t) for t in pool]
        options = [(at, t) for at, t in options if at is not None]
        if not options:  # nobody on shift: the team that frees first is called out
            options = [(max(wanted, self.free_at[t.pk]), t) for t in pool]
        free = [t for at, t in options if at == wanted]
        if free:
            return min(free, key=score), wanted, False
        at, team = min(options, key=lambda o: (o[0], o[1].call_sign))
        return team, at + timedelta(seconds=self.rng.randint(30, 120)), True

    def _dispatch(self, calls: list[Call]) -> None:
        """Send teams as a dispatcher does: at once when one is free, otherwise the waiting call of the
        highest priority (then the oldest) goes to the first team that comes free."""
        waiting: list[tuple] = []
        for call in calls:
            ready = self._ready(call)
            if ready is None:
                continue
            self._drain(waiting, before=ready)
            team, at, waited = self._pick(call, ready)
            if waited:
                call.waited = True
                waiting.append((call.priority, ready, call.number, call))
            else:
                self._send(call, team, at)
        self._drain(waiting, before=None)

    def _drain(self, waiting: list[tuple], *, before: datetime | None) -> None:
        while waiting:
            _team, moment, _waited = self._pick(waiting[0][3], min(entry[1] for entry in waiting))
            if before is not None and moment >= before:
                return
            entry = min(e for e in waiting if e[1] <= moment)
            waiting.remove(entry)
            team, at, _waited = self._pick(entry[3], moment)
            self._send(entry[3], team, at)

    # --- calls ------------------------------------------------------------------------------------

    def calls_for(self, day: date, *, growth: float, before: datetime | None = None) -> list[Call]:
        rng = self.rng
        mean = self.calls_per_day * WEEKDAY_FACTORS[day.weekday()] * (1 + 0.08 * _season(day)) * growth
        count = max(1, round(rng.gauss(mean, mean * 0.08)))
        weights = _kind_weights(day)
        moments = []
        for _ in range(count):
            hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
            moments.append(_on(day, hour, rng.randrange(60), rng.randrange(60)))
        calls = []
        for received_at in sorted(moments):
            if before is not None and received_at >= before:
                continue
            kind = rng.choices(CALL_KINDS, weights=weights)[0]
            self.number += 1
            call = Call(
                number=self.number,
                received_at=received_at,
                kind=kind,
                source=rng.choices(SOURCES, weights=SOURCE_WEIGHTS)[0],
                district=rng.choices(DISTRICTS, weights=DISTRICT_WEIGHTS)[0],
                priority=max(1, min(4, kind.priority + rng.choice([-1, 0, 0, 0, 0, 1]))),
            )
            self._screen(call)
            calls.append(call)
        self._dispatch([call for call in calls if not call.screened_out])
        return calls

    def _evaluate(self, call_type: CallType, answers: dict):
        key = (call_type.pk, tuple(sorted(answers.items())))
        if key not in self.evaluations:
            version = self.cast.policy_version
            self.evaluations[key] = screening_evaluate(version=version, call_type=call_type, answers=answers)
        return self.evaluations[key]

    def _screen(self, call: Call) -> None:
        """A call from a call center is screened under the policy in force (some screened out)."""
        call_type = self.cast.call_types[call.kind.code]
        if call.source not in CALL_CENTER_SOURCES or self.cast.policy_version is None:
            return
        if not self._evaluate(call_type, ALL_NO).eligible:
            return  # a type the policy does not list (needle pickups) comes through 311 unscreened
        rng, answers, override = self.rng, dict(ALL_NO), None
        if rng.random() < 0.075:
            extra = rng.choices([v[0] for v in SCREENED_OUT_VARIANTS], weights=[v[1] for v in SCREENED_OUT_VARIANTS])
            answers.update(extra[0])
            call.screened_out = True
        else:
            draw = rng.random()
            for extra, share, reason in SCREENING_VARIANTS:
                if draw < share:
                    answers.update(extra)
                    override = reason
                    break
                draw -= share
        call.evaluation = self._evaluate(call_type, answers)
        call.override = override
        if not call.screened_out:
            call.priority = call.evaluation.priority

    def _ready(self, call: Call) -> datetime | None:
        """When dispatch would send a team (after screening, by priority), or None: called off before."""
        rng = self.rng
        decided = call.received_at + timedelta(seconds=rng.randint(60, 200)) if call.evaluation else call.received_at
        call.decided_at = decided
        if rng.random() < 0.04:
            call.cancelled_at = decided + timedelta(minutes=rng.randint(3, 20))
            call.cancel_reason = "Caller called back: no longer needed."
            return None
        low, high = DISPATCH_DELAY[call.priority]
        return decided + timedelta(seconds=rng.randint(low, high))

    def _send(self, call: Call, team: Team, at: datetime) -> None:
        rng = self.rng
        visit = Visit(team=team, dispatched_at=at)
        call.visits.append(visit)
        visit.en_route_at = at + timedelta(seconds=rng.randint(20, 150))
        if rng.random() < 0.03:  # reassigned: a closer team came free
            visit.cancelled_at = visit.en_route_at + timedelta(seconds=rng.randint(60, 300))
            visit.cancel_reason = "Reassigned: a closer team came free."
            self.free_at[team.pk] = visit.cancelled_at
            team, at, _ = self._pick(call, visit.cancelled_at, besides=(team.pk,))
            visit = Visit(team=team, dispatched_at=at, en_route_at=at + timedelta(seconds=rng.randint(20, 120)))
            call.visits.append(visit)
        if rng.random() < 0.03:  # the person left before the team arrived
            visit.cancelled_at = visit.en_route_at + timedelta(seconds=rng.randint(120, 600))
            visit.cancel_reason = call.cancel_reason = "Caller left; person no longer there."
            call.cancelled_at = visit.cancelled_at
            self.free_at[team.pk] = visit.cancelled_at + timedelta(minutes=3)
            return
        same = team.home_district == call.district.name
        travel = rng.randint(240, 720) if same else rng.randint(420, 1500)
        visit.on_scene_at = visit.en_route_at + timedelta(seconds=int(travel * (0.8 if call.priority == 1 else 1)))
        call.disposition = self._disposition(call, team)
        moment = visit.on_scene_at
        if call.disposition == D.TRANSPORTED:
            visit.transport_started_at = moment + timedelta(seconds=rng.randint(600, 1800))
            visit.at_destination_at = visit.transport_started_at + timedelta(seconds=rng.randint(600, 1500))
            moment = visit.at_destination_at + timedelta(seconds=rng.randint(300, 900))
        elif call.disposition == D.NO_PERSON_FOUND:
            moment += timedelta(seconds=rng.randint(300, 900))
        else:
            moment += timedelta(seconds=rng.randint(600, 3000))
        visit.cleared_at = moment
        self.free_at[team.pk] = moment + timedelta(seconds=rng.randint(0, 300))
        if call.priority <= 2 and call.disposition != D.NO_PERSON_FOUND and rng.random() < 0.12:
            self._second_team(call, visit)

    def _second_team(self, call: Call, first: Visit) -> None:
        """A second team for a hard call, when one is free: it arrives later and leaves first."""
        rng = self.rng
        wanted = first.on_scene_at + timedelta(seconds=rng.randint(60, 600))
        team, at, waited = self._pick(call, wanted, besides=(first.team.pk,))
        if waited or at >= first.cleared_at - timedelta(minutes=20):
            return
        en_route = at + timedelta(seconds=rng.randint(20, 120))
        on_scene = en_route + timedelta(seconds=rng.randint(300, 1200))
        cleared = min(first.cleared_at, on_scene + timedelta(seconds=rng.randint(600, 2400)))
        if cleared <= on_scene:
            return
        call.visits.append(Visit(team, at, en_route_at=en_route, on_scene_at=on_scene, cleared_at=cleared))
        self.free_at[team.pk] = cleared + timedelta(seconds=rng.randint(0, 300))

    def _disposition(self, call: Call, team: Team) -> str:
        weights = list(DISPOSITION_WEIGHTS)
        flags = call.evaluation.flags if call.evaluation else []
        if "violence_or_threats" in flags or "crime_in_progress" in flags:
            weights[DISPOSITIONS.index(D.POLICE_REQUESTED)] *= 6
            weights[DISPOSITIONS.index(D.ARREST_BY_POLICE)] *= 8
        if "medical_emergency" in flags:
            weights[DISPOSITIONS.index(D.EMS_REQUESTED)] *= 8
        disposition = self.rng.choices(DISPOSITIONS, weights=weights)[0]
        if disposition == D.TRANSPORTED and Capability.TRANSPORT not in team.capabilities:
            disposition = D.REFERRED
        return disposition
