"""The writers of the insights rollups (apps/insights/models.py); no domain table is written.

- `facts_refresh` recomputes the facts of some calls, decisions, referrals and follow-ups and
  answers the local days whose sums they change; `days_refresh` recomputes those days' rollups
  from their facts. Every path below goes through these two, so an incremental update and a full
  rebuild compute the same rows by the same code.
- `rollups_follow` (the Celery task's body) reads the event log after its cursor and refreshes
  what the events name; `rollups_rebuild` recomputes everything (`manage.py insights_rebuild`,
  the demo's loader).
"""

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from itertools import groupby
from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone

from apps.common.days import day_bounds, local_day
from apps.followups.reports import needs_covered_by_partners
from apps.followups.selectors import followups_for_rollups, referrals_for_rollups
from apps.incidents.selectors import incident_contacts_by_callback, incidents_for_rollups
from apps.insights.facts import (
    call_fact,
    day_totals,
    followup_fact,
    referral_fact,
    repeat_flags,
    screening_fact,
)
from apps.insights.models import (
    CallFact,
    DailyRollup,
    FollowUpFact,
    MonthlyRollup,
    ReferralFact,
    RollupCursor,
    RollupDay,
    RollupMonth,
    ScreeningFact,
)
from apps.intake.selectors import decisions_for_rollups, response_target_history
from apps.safety.selectors import co_responses_for_rollups
from apps.streams.selectors import event_log_after, event_log_head, event_log_ids
from apps.teams.selectors import shifts_overlapping

CURSOR = "events"
FOLLOW_BATCH = 2000
CHUNK = 2000
# An event id missing below the cursor belongs to a transaction still open when the log was read,
# or to one rolled back; it is looked for again until this old, then forgotten.
GAP_PATIENCE = timedelta(minutes=5)
MAX_GAPS = 10_000
UNPLACED_LOOKBACK = 100
# Call centers' kinds that are also a call's source (apps.intake.models.CenterKind = incidents Source).
CENTER_SOURCES = {"911": "911", "988": "988", "211": "211", "311": "311"}


class _Context:
    """What facts need besides their rows, loaded once per refresh: targets, partner coverage."""

    def __init__(self):
        self.target_history = response_target_history()
        self._covered: dict[date, set] = {}

    def covered_needs(self, day: date) -> set:
        if day not in self._covered:
            self._covered[day] = needs_covered_by_partners(day)
        return self._covered[day]


def _contact_flags(digests) -> dict[int, dict]:
    flags: dict[int, dict] = {}
    if not digests:
        return flags
    rows = incident_contacts_by_callback(digests=digests)
    for _digest, group in groupby(rows, key=lambda row: row[0]):
        flags.update(repeat_flags((pk, received_at, cancelled) for _d, pk, received_at, cancelled in group))
    return flags


def _call_facts(incidents, *, context: _Context, flags: dict) -> list[CallFact]:
    """The facts of these calls, with their screening and co-responses loaded in two queries."""
    ids = [incident.pk for incident in incidents]
    screening = {d.incident_id: d for d in decisions_for_rollups(incident_ids=ids)}
    co = co_responses_for_rollups(incident_ids=ids)
    return [
        CallFact(
            **call_fact(
                incident,
                decision=screening.get(incident.pk),
                co_requests=co.get(incident.pk, []),
                target_history=context.target_history,
                covered_needs=context.covered_needs,
                repeats=flags.get(incident.pk, {}),
            )
        )
        for incident in incidents
    ]


def _screening_facts(decisions, context_police: dict[int, bool]) -> list[ScreeningFact]:
    return [
        ScreeningFact(
            **screening_fact(
                d, source_for_center=CENTER_SOURCES, needed_police=context_police.get(d.incident_id, False)
            )
        )
        for d in decisions
    ]


def facts_refresh(*, incident_ids=(), decision_ids=(), referral_ids=(), followup_ids=()) -> set[date]:
    """Recompute the facts of these records (and of the decisions and referrals of these calls, and
    of the calls whose repeat flags they change); answer every local day whose rollups changed."""
    days: set[date] = set()
    incident_ids = {int(i) for i in incident_ids}
    decision_ids = {int(i) for i in decision_ids}
    decisions = list(decisions_for_rollups(ids=decision_ids)) if decision_ids else []
    incident_ids |= {d.incident_id for d in decisions if d.incident_id}
    context = _Context()
    police: dict[int, bool] = {}

    if incident_ids:
        old = {f.pk: f for f in CallFact.objects.filter(pk__in=incident_ids)}
        days |= {f.day for f in old.values()}
        incidents = list(incidents_for_rollups(ids=incident_ids))
        digests = {f.callback_digest for f in old.values()} | {i.callback_digest for i in incidents}
        flags = _contact_flags(digests - {""})
        facts = _call_facts(incidents, context=context, flags=flags)
        CallFact.objects.filter(pk__in=incident_ids).delete()
        CallFact.objects.bulk_create(facts)
        days |= {f.day for f in facts}
        police = {f.incident_id: f.police_disposition for f in facts}
        # Other calls from the same numbers may start or stop being repeats.
        neighbours = CallFact.objects.filter(pk__in=set(flags) - incident_ids)
        for fact in neighbours:
            wanted = flags[fact.pk]
            if (fact.repeat_30, fact.repeat_90) != (wanted["repeat_30"], wanted["repeat_90"]):
                CallFact.objects.filter(pk=fact.pk).update(**wanted)
                days.add(fact.day)
        # The screening of these calls counts whether police were needed: refresh it with them.
        decisions = list({d.pk: d for d in [*decisions, *decisions_for_rollups(incident_ids=incident_ids)]}.values())

    if decisions:
        for d in decisions:
            if d.incident_id and d.incident_id not in police:
                fact = CallFact.objects.filter(pk=d.incident_id).only("police_disposition").first()
                police[d.incident_id] = bool(fact and fact.police_disposition)
        refreshed = [d.pk for d in decisions]
        days |= set(ScreeningFact.objects.filter(pk__in=refreshed).values_list("day", flat=True))
        ScreeningFact.objects.filter(pk__in=refreshed).delete()
        created = ScreeningFact.objects.bulk_create(_screening_facts(decisions, police))
        days |= {f.day for f in created}

    referrals = []
    if referral_ids:
        referrals += list(referrals_for_rollups(ids=referral_ids))
    if incident_ids:
        referrals += list(referrals_for_rollups(incident_ids=incident_ids))
    referral_keys = set(referral_ids) | {r.pk for r in referrals}
    if referral_keys:
        old_days = ReferralFact.objects.filter(pk__in=referral_keys).values_list("day", flat=True)
        days |= set(old_days)
        ReferralFact.objects.filter(pk__in=referral_keys).delete()
        facts = [ReferralFact(**f) for f in (referral_fact(r) for r in {r.pk: r for r in referrals}.values()) if f]
        ReferralFact.objects.bulk_create(facts)
        days |= {f.day for f in facts}

    if followup_ids:
        days |= set(FollowUpFact.objects.filter(pk__in=followup_ids).values_list("day", flat=True))
        FollowUpFact.objects.filter(pk__in=followup_ids).delete()
        facts = [FollowUpFact(**f) for f in (followup_fact(x) for x in followups_for_rollups(ids=followup_ids)) if f]
        FollowUpFact.objects.bulk_create(facts)
        days |= {f.day for f in facts}
    return days


def _lock(model, **key) -> None:
    model.objects.get_or_create(**key, defaults={"refreshed_at": timezone.now()})
    model.objects.select_for_update().filter(**key).update(refreshed_at=timezone.now())


def _next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def days_refresh(*, days) -> int:
    """Recompute the rollup rows of these local days from their facts and shifts, then the sums of
    their months; answer how many rows were written. A month's lock row is taken before its days',
    and months in order, so two workers never interleave nor wait on each other in a circle."""
    written = 0
    months: dict[date, list[date]] = defaultdict(list)
    for day in set(days):
        months[day.replace(day=1)].append(day)
    for month in sorted(months):
        with transaction.atomic():
            _lock(RollupMonth, month=month)
            for day in sorted(months[month]):
                written += _day_refresh(day)
            written += _month_refresh(month)
    return written


def _day_refresh(day: date) -> int:
    _lock(RollupDay, day=day)
    begin, end = day_bounds(day)
    totals = day_totals(
        day=day,
        # Plain rows, not model instances: a busy day has thousands of calls.
        calls=[SimpleNamespace(**row) for row in CallFact.objects.filter(day=day).values()],
        screenings=ScreeningFact.objects.filter(day=day),
        referrals=ReferralFact.objects.filter(day=day),
        followups=FollowUpFact.objects.filter(day=day),
        shifts=shifts_overlapping(start=begin, end=end),
    )
    DailyRollup.objects.filter(day=day).delete()
    return len(DailyRollup.objects.bulk_create(DailyRollup(day=day, **row) for row in totals.rows()))


def _month_refresh(month: date) -> int:
    """The month's rows: its days' rows added up, value by value."""
    counts: dict[tuple, Counter] = defaultdict(Counter)
    histograms: dict[tuple, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    days = DailyRollup.objects.filter(day__gte=month, day__lt=_next_month(month))
    for dimension, value, day_counts, day_histograms in days.values_list("dimension", "value", "counts", "histograms"):
        counts[(dimension, value)].update(day_counts)
        for name, histogram in day_histograms.items():
            histograms[(dimension, value)][name].update(histogram)
    MonthlyRollup.objects.filter(month=month).delete()
    rows = [
        MonthlyRollup(
            month=month,
            dimension=dimension,
            value=value,
            counts=dict(counts[(dimension, value)]),
            histograms={name: dict(h) for name, h in histograms[(dimension, value)].items()},
        )
        for dimension, value in sorted(set(counts) | set(histograms))
    ]
    written = len(MonthlyRollup.objects.bulk_create(rows))
    # Summed after its days: the selectors read the month's rows only while this holds.
    RollupMonth.objects.filter(month=month).update(refreshed_at=timezone.now())
    return written


def _changed_by(events) -> dict[str, set]:
    """Which records a batch of events says changed."""
    changed: dict[str, set] = defaultdict(set)
    for _pk, kind, data in events:
        family = kind.split(".", 1)[0]
        if family in {"incident", "assignment", "encounter", "call", "co_response"} and data.get("incident"):
            changed["incident_ids"].add(int(data["incident"]))
        if kind == "call.screened" and data.get("decision"):
            changed["decision_ids"].add(int(data["decision"]))
        if kind == "referral.updated" and data.get("referral"):
            changed["referral_ids"].add(str(data["referral"]))
        if family == "followup" and data.get("followup"):
            changed["followup_ids"].add(str(data["followup"]))
    return changed


def _cursor_locked() -> RollupCursor | None:
    """The event cursor, locked; None when another follow or a rebuild holds it. A new one is not
    placed yet (-1): it reads the log from its start, which a rebuild would make unnecessary."""
    RollupCursor.objects.get_or_create(name=CURSOR, defaults={"last_id": -1})
    return RollupCursor.objects.select_for_update(skip_locked=True).filter(name=CURSOR).first()


def rollups_follow(*, limit: int = FOLLOW_BATCH) -> int:
    """Read the event log after the saved cursor, refresh the facts and days the events name, and
    move the cursor; answer how many events were applied (0 when another run holds the cursor)."""
    with transaction.atomic():
        cursor = _cursor_locked()
        if cursor is None:
            return 0
        now = timezone.now()
        gaps = dict(cursor.gaps or {})
        late = event_log_ids(ids=[int(g) for g in gaps]) if gaps else []
        for pk, _kind, _data in late:
            gaps.pop(str(pk), None)
        events = event_log_after(after_id=max(cursor.last_id, 0), limit=limit)
        # A cursor not placed (-1: no rebuild yet, or one over an empty log) starts near the first
        # event there is, not at id 1: the ids just below it may belong to transactions still open.
        placed = cursor.last_id >= 0 or not events
        expected = cursor.last_id + 1 if placed else max(1, events[0][0] - UNPLACED_LOOKBACK)
        for pk, _kind, _data in events:
            if pk - expected <= MAX_GAPS:
                gaps.update({str(missing): now.isoformat() for missing in range(expected, pk)})
            expected = pk + 1
        gaps = {key: seen for key, seen in gaps.items() if now - datetime.fromisoformat(seen) < GAP_PATIENCE}
        applied = [*late, *events]
        if applied:
            days_refresh(days=facts_refresh(**_changed_by(applied)))
        cursor.last_id = events[-1][0] if events else cursor.last_id
        cursor.gaps = dict(sorted(gaps.items(), key=lambda kv: int(kv[0]))[-MAX_GAPS:])
        cursor.save(update_fields=["last_id", "gaps", "updated_at"])
    return len(applied)


def rollups_refresh_recent(*, days_back: int = 7, days_ahead: int = 7) -> int:
    """Recompute the days around today: shifts are edited in the admin without an event, so their
    hours reach the rollups this way (hourly) or by a rebuild."""
    today = local_day(timezone.now())
    return days_refresh(days=[today + timedelta(days=n) for n in range(-days_back, days_ahead + 1)])


def _chunks(queryset, key="pk"):
    """A queryset ordered by `key`, read CHUNK rows at a time (prefetches stay per chunk)."""
    last = None
    while True:
        page = queryset if last is None else queryset.filter(**{f"{key}__gt": last})
        rows = list(page[:CHUNK])
        if not rows:
            return
        yield rows
        last = getattr(rows[-1], key)


def rollups_rebuild() -> dict:
    """Recompute every fact and every day's rollups from the domain tables, in one transaction that
    holds the event cursor (follow runs wait), then set the cursor to the log's head as it was
    when the rebuild began: later events are applied again, which changes nothing twice."""
    with transaction.atomic():
        RollupCursor.objects.get_or_create(name=CURSOR)
        cursor = RollupCursor.objects.select_for_update().get(name=CURSOR)
        head = event_log_head()
        for model in (CallFact, ScreeningFact, ReferralFact, FollowUpFact, DailyRollup, MonthlyRollup, RollupDay):
            model.objects.all().delete()
        context = _Context()
        flags: dict[int, dict] = {}
        for _digest, group in groupby(incident_contacts_by_callback().iterator(chunk_size=CHUNK), key=lambda r: r[0]):
            found = repeat_flags((pk, at, cancelled) for _d, pk, at, cancelled in group)
            flags.update({pk: flag for pk, flag in found.items() if flag["repeat_90"]})  # only repeats: memory
        police: dict[int, bool] = {}
        totals = defaultdict(int)
        for incidents in _chunks(incidents_for_rollups()):
            facts = _call_facts(incidents, context=context, flags=flags)
            CallFact.objects.bulk_create(facts)
            police.update({f.incident_id: True for f in facts if f.police_disposition})
            totals["calls"] += len(facts)
        for decisions in _chunks(decisions_for_rollups()):
            totals["screenings"] += len(ScreeningFact.objects.bulk_create(_screening_facts(decisions, police)))
        for referrals in _chunks(referrals_for_rollups()):
            facts = [ReferralFact(**f) for f in map(referral_fact, referrals) if f]
            totals["referrals"] += len(ReferralFact.objects.bulk_create(facts))
        for followups in _chunks(followups_for_rollups()):
            facts = [FollowUpFact(**f) for f in map(followup_fact, followups) if f]
            totals["followups"] += len(FollowUpFact.objects.bulk_create(facts))
        days = set()
        for model in (CallFact, ScreeningFact, ReferralFact, FollowUpFact):
            days |= set(model.objects.values_list("day", flat=True).distinct())
        far = datetime(1970, 1, 1, tzinfo=UTC)
        for _team, starts_at, ends_at in shifts_overlapping(start=far, end=far.replace(year=9999)):
            day = local_day(starts_at)
            while day <= local_day(ends_at):
                days.add(day)
                day += timedelta(days=1)
        totals["rollup_rows"] = days_refresh(days=days)
        totals["days"] = len(days)
        cursor.last_id = head or -1  # an empty log: start wherever its first event will be
        cursor.gaps = {}
        cursor.save(update_fields=["last_id", "gaps", "updated_at"])
    return dict(totals)
