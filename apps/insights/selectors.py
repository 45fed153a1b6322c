"""Reads of the program's measures. Every number comes from the daily rollups (a year by one
breakdown is a few thousand small rows), never from scanning calls; nothing here names a person,
so nothing here is audited: drill-downs to the calls behind a number are another door's job.
"""

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import BigIntegerField, Max, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, TruncMonth
from django.utils import formats
from django.utils.translation import gettext as _

from apps.common.errors import ApplicationError
from apps.feedback.models import Theme
from apps.incidents.answers import question_labels
from apps.incidents.models import Source
from apps.incidents.selectors import call_type_names
from apps.incidents.vocab import AGENCIES, CO_RESPONSE_REASONS
from apps.insights.facts import CALL_COUNTERS, call_counters
from apps.insights.listening import listening_sums
from apps.insights.models import CallFact, DailyRollup, MonthlyRollup, PublicRelease, RollupDay, RollupMonth
from apps.insights.registry import BREAKDOWNS, INTERVALS, MEASURES, Measure, percentile
from apps.insights.reviews import review_sums
from apps.resources.selectors import organization_names
from apps.teams.selectors import team_call_signs

PERIODS = ("week", "month")
# The longest range one request may read (ten years of days).
MAX_DAYS = 3660


def _week(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _period_key(by: str, day: date) -> str:
    if by == "week":
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day:%Y-%m}"


def _periods(by: str, start: date, end: date) -> list[tuple[str, str]]:
    """(group, label) of every week or month that the range touches, in order."""
    out: list[tuple[str, str]] = []
    day = _week(start) if by == "week" else start.replace(day=1)
    while day <= end:
        if by == "week":
            out.append(
                (_period_key(by, day), _("Week of %(day)s") % {"day": formats.date_format(day, "SHORT_DATE_FORMAT")})
            )
            day += timedelta(days=7)
        else:
            out.append((_period_key(by, day), formats.date_format(day, "YEAR_MONTH_FORMAT")))
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return out


# The histograms of many days added up by the database: one row per (group, minutes), not per day.
# Both JSON table functions take the histogram's name as a parameter; `field` is "day" or "value".
_HISTOGRAM_SQL = {
    "postgresql": (
        "SELECT r.{field}, h.key, SUM(h.value::bigint) FROM {table} r "
        "CROSS JOIN LATERAL jsonb_each_text(r.histograms -> %s) AS h "
        "WHERE r.dimension = %s AND r.{period} >= %s AND r.{period} <= %s GROUP BY r.{field}, h.key"
    ),
    "sqlite": (
        "SELECT r.{field}, h.key, SUM(h.value) FROM {table} r, "
        "json_each(r.histograms, '$.' || %s) AS h "
        "WHERE r.dimension = %s AND r.{period} >= %s AND r.{period} <= %s GROUP BY r.{field}, h.key"
    ),
}


def _histogram_sums(model, histogram: str, dimension: str, grouped: bool, first: date, last: date) -> list[tuple]:
    """(day or month, or value; minutes; calls) of a histogram added up over model's rows."""
    period = "month" if model is MonthlyRollup else "day"
    field = period if grouped else "value"
    sql = _HISTOGRAM_SQL[connection.vendor].format(table=model._meta.db_table, field=field, period=period)
    with connection.cursor() as cursor:
        cursor.execute(sql, [histogram, dimension, first, last])
        rows = cursor.fetchall()
    if connection.vendor == "sqlite" and grouped:  # SQLite may answer a date as text (by its declared type)
        rows = [(date.fromisoformat(at) if isinstance(at, str) else at, k, n) for at, k, n in rows]
    return rows


def _months_current(first: date, last: date) -> bool:
    """Whether every month from `first` to `last` was summed after its days were last recomputed
    (rows written some other way, or a month refresh that failed, fall back to reading days)."""
    summed = dict(RollupMonth.objects.filter(month__gte=first, month__lte=last).values_list("month", "refreshed_at"))
    days = RollupDay.objects.filter(day__gte=first, day__lte=last).annotate(month=TruncMonth("day"))
    for row in days.values("month").annotate(latest=Max("refreshed_at")).order_by():
        month = row["month"].date() if isinstance(row["month"], datetime) else row["month"]
        if month not in summed or summed[month] < row["latest"]:
            return False
    return True


def _pieces(by: str | None, start: date, end: date) -> list[tuple]:
    """How to read start..end: whole months from MonthlyRollup, the days around them from
    DailyRollup; weeks cross months, so they are read by day. [(model, first, last)]"""
    if by == "week":
        return [(DailyRollup, start, end)]
    first_month = start if start.day == 1 else (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    month = first_month
    while (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1) <= end:
        month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    if month == first_month or not _months_current(first_month, month - timedelta(days=1)):
        return [(DailyRollup, start, end)]  # no whole month inside, or one whose sums lag its days
    pieces = [(MonthlyRollup, first_month, month - timedelta(days=1))]
    if start < first_month:
        pieces.append((DailyRollup, start, first_month - timedelta(days=1)))
    if month <= end:
        pieces.append((DailyRollup, month, end))
    return pieces


def _group(by: str | None, at):
    """The group a rollup row adds to: none, its week or month (`at` is its day), or its value."""
    if by is None:
        return None
    return _period_key(by, at) if by in PERIODS else at


def _labels(by: str, groups) -> dict[str, str]:
    groups = [g for g in groups if g]
    if by == "source":
        names = {code: str(label) for code, label in Source.choices}
        return {g: names.get(g, g) for g in groups}
    if by == "call_type":
        return call_type_names(codes=groups)
    if by == "priority":
        return {g: _("Priority %(number)s") % {"number": g} for g in groups}
    if by == "agency":
        return {g: str(AGENCIES.get(g, g)) for g in groups}
    if by == "reason":
        return {g: str(CO_RESPONSE_REASONS.get(g, g)) for g in groups}
    if by == "partner":
        names = {str(pk): name for pk, name in organization_names(ids=groups).items()}
        return {g: names.get(g, g) for g in groups}
    if by == "theme":
        names = {code: str(label) for code, label in Theme.choices}
        return {g: names.get(g, g) for g in groups}
    if by == "question":
        return question_labels(groups)
    return {g: g for g in groups}


def group_labels(by: str, groups) -> dict[str, str]:
    """The words for these values of a breakdown in the active language ("" is "Not recorded")."""
    labels = _labels(by, groups)
    return {g: labels.get(g) or str(_("Not recorded")) for g in groups}


def _row(measure: Measure, group, label, counts: Counter, histogram: Counter) -> dict:
    if measure.kind == "duration":
        total = sum(histogram.values())
        p50, p90 = percentile(histogram, 0.5), percentile(histogram, 0.9)
        within = None
        if measure.counter and total:
            within = round(100 * counts.get(measure.counter, 0) / total, 1)
        return {
            "group": group,
            "label": label,
            "value": p50,
            "count": total,
            "p50": p50,
            "p90": p90,
            "within_target": within,
        }
    records = counts.get(measure.records, 0) if measure.records else None
    if measure.kind == "share":
        base = counts.get(measure.base, 0)
        value = round(100 * counts.get(measure.counter, 0) / base, 1) if base else None
        return {"group": group, "label": label, "value": value, "count": base if records is None else records}
    amount = counts.get(measure.counter, 0)
    value = round(amount / measure.scale, 2) if measure.scale != 1 else amount
    return {"group": group, "label": label, "value": value, "count": amount if records is None else records}


def measure_values(key: str, *, start: date, end: date, by: str | None = None) -> list[dict]:
    """The measure `key` over the local days start..end (inclusive), as one overall row (by=None) or
    one row per value of the breakdown `by`: {"group", "label", "value", "count"}, and for durations
    also "p50", "p90" (minutes) and "within_target" (percent, or None without a target).

    Weeks (ISO, from Monday) and months are listed in full, with zeros; other breakdowns list the
    values that occur. A blank value (no district, no team...) is the group "" labelled "Not recorded".
    """
    measure = MEASURES.get(key)
    if measure is None:
        raise ApplicationError(_("No such measure."), extra={"measure": [_("No such measure.")]})
    if by is not None and (by not in BREAKDOWNS or by not in measure.breakdowns):
        raise ApplicationError(
            _("This measure cannot be broken down that way."), extra={"by": [_("Choose one of the breakdowns listed.")]}
        )
    if end < start or (end - start).days > MAX_DAYS:
        raise ApplicationError(
            _("Give a range of dates that ends after it starts, ten years at most."),
            extra={"end": [_("Choose an end date after the start, ten years at most.")]},
        )
    dimension = "all" if by in (None, *PERIODS) else by
    wanted = sorted({c for c in (measure.counter, measure.base, measure.records) if c})
    grouped = by in PERIODS
    counts: dict[str | None, Counter] = defaultdict(Counter)
    histograms: dict[str | None, Counter] = defaultdict(Counter)
    # The database adds the counters (one key of each row's JSON) and the histograms.
    sums = {f"n{i}": Sum(Cast(KT(f"counts__{counter}"), BigIntegerField())) for i, counter in enumerate(wanted)}
    if measure.reader:  # the measures of listening: not in the rollups (apps/insights/listening.py)
        read = review_sums if measure.reader == "screening_review" else listening_sums
        for at, found, histogram in read(measure, start=start, end=end, by=by):
            counts[_group(by, at)].update(found)
            histograms[_group(by, at)].update(histogram)
    for model, first, last in [] if measure.reader else _pieces(by, start, end):
        period = "month" if model is MonthlyRollup else "day"
        field = period if grouped else "value"
        rows = model.objects.filter(dimension=dimension, **{f"{period}__gte": first, f"{period}__lte": last})
        for row in rows.values(field).annotate(**sums).order_by():
            counts[_group(by, row[field])].update({c: row[f"n{i}"] or 0 for i, c in enumerate(wanted)})
        if measure.histogram:
            for at, minutes, n in _histogram_sums(model, measure.histogram, dimension, grouped, first, last):
                histograms[_group(by, at)][int(minutes)] += int(n)
    if by is None:
        return [_row(measure, None, _("All"), counts[None], histograms[None])]
    if by in PERIODS:
        return [
            _row(measure, group, label, counts[group], histograms[group]) for group, label in _periods(by, start, end)
        ]
    groups = [g for g in set(counts) | set(histograms) if _has_data(measure, counts[g], histograms[g])]
    if by == "team":
        signs = team_call_signs()
        renamed = {g: signs.get(int(g), g) if g.isdigit() else g for g in groups}
        labels = {name: name for name in renamed.values()}
        out = [
            _row(measure, renamed[g], labels[renamed[g]] or _("Not recorded"), counts[g], histograms[g]) for g in groups
        ]
    else:
        labels = _labels(by, groups)
        out = [_row(measure, g, labels.get(g) or _("Not recorded"), counts[g], histograms[g]) for g in groups]
    if by == "priority":
        return sorted(out, key=lambda r: (r["group"] == "", r["group"]))
    return sorted(out, key=lambda r: (r["group"] == "", str(r["label"]).lower()))


def _has_data(measure: Measure, counts: Counter, histogram: Counter) -> bool:
    return bool(sum(histogram.values()) if measure.kind == "duration" else any(counts.values()))


CALLS_BEHIND_LIMIT = 500


def calls_behind(
    key: str,
    *,
    start: date,
    end: date,
    by: str | None = None,
    group: str | None = None,
    limit: int = CALLS_BEHIND_LIMIT,
) -> list[int]:
    """The ids of the calls behind one number of `measure_values(key, start=, end=, by=)`: the row
    whose group is `group` (None: the overall row). For a count, the calls it counts; for a share,
    the calls of its base; for a duration, the calls with that interval. Earliest first, at most
    `limit`. Only measures of calls have calls behind them (ApplicationError otherwise).

    Ids only: the door that shows the calls reads them through apps.incidents with its own rule and
    audits that read (a drill-down is for supervisors, issue 15 item 2).
    """
    measure = MEASURES.get(key)
    if measure is None:
        raise ApplicationError(_("No such measure."), extra={"measure": [_("No such measure.")]})
    counter = measure.base if measure.kind == "share" else measure.counter
    by_calls = measure.histogram in INTERVALS if measure.kind == "duration" else counter in CALL_COUNTERS
    if not by_calls and counter != "co_response_requests":
        raise ApplicationError(
            _("This number does not rest on calls."), extra={"measure": [_("Choose a measure of calls.")]}
        )
    measure_values(key, start=start, end=end, by=by)  # the same checks of the range and the breakdown
    facts = CallFact.objects.filter(day__gte=start, day__lte=end).order_by("received_at", "pk")
    if by in PERIODS:
        days = _period_days(by, group, start, end)
        facts = facts.filter(day__gte=days[0], day__lte=days[1]) if days else facts.none()
    elif by == "team":
        team_ids = [pk for pk, sign in team_call_signs().items() if sign == group]
        facts = facts.filter(team_id__in=team_ids) if group else facts.filter(team_id__isnull=True)
    elif by == "priority":
        facts = facts.filter(priority=int(group)) if (group or "").isdigit() else facts.none()
    elif by in ("source", "call_type", "district"):
        facts = facts.filter(**{by: group or ""})
    found = []
    for fact in facts.iterator(chunk_size=2000):
        if counter == "co_response_requests":
            requests = [r for r in fact.co_requests or [] if fact.status != "cancelled"]
            if by in ("agency", "reason"):
                requests = [r for r in requests if r[0 if by == "agency" else 1] == group]
            hit = bool(requests)
        else:
            counts, observed = call_counters(fact)
            hit = measure.histogram in observed if measure.kind == "duration" else counts.get(counter, 0) > 0
        if hit:
            found.append(fact.incident_id)
            if len(found) >= limit:
                break
    return found


def _period_days(by: str, group: str | None, start: date, end: date) -> tuple[date, date] | None:
    """The first and last day of the week or month `group` ("2026-W44", "2026-03") inside start..end."""
    if group not in {key for key, _label in _periods(by, start, end)}:
        return None
    if by == "week":
        first = date.fromisocalendar(int(group[:4]), int(group[6:]), 1)
        last = first + timedelta(days=6)
    else:
        first = date.fromisoformat(f"{group}-01")
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return max(first, start), min(last, end)


def rollups_as_of() -> object:
    """When the rollups were last recomputed (the latest day refreshed), or None before any."""
    return RollupDay.objects.order_by("-refreshed_at").values_list("refreshed_at", flat=True).first()


def public_releases(periods, *, language: str, min_count: int) -> dict[tuple[date, date], dict]:
    """The stored public summaries (PublicRelease) of these (start, end) periods in one language and
    threshold, by period; a period not yet released is absent."""
    periods = list(periods)
    if not periods:
        return {}
    rows = PublicRelease.objects.filter(
        start__in={s for s, _e in periods}, end__in={e for _s, e in periods}, language=language, min_count=min_count
    )
    wanted = set(periods)
    return {(s, e): summary for s, e, summary in rows.values_list("start", "end", "summary") if (s, e) in wanted}


def public_release_times(*, language: str, min_count: int) -> dict[tuple[date, date], tuple[str, object]]:
    """Every stored public release in this language and threshold: (start, end) -> (basis, computed_at)."""
    rows = PublicRelease.objects.filter(language=language, min_count=min_count)
    return {(s, e): (basis, at) for s, e, basis, at in rows.values_list("start", "end", "basis", "computed_at")}


def rollups_changed_by_month(first: date, last: date) -> dict[date, object]:
    """When each month's rollups last changed (its latest day or month refresh), for first..last."""
    changed: dict[date, object] = dict(
        RollupMonth.objects.filter(month__gte=first, month__lte=last).values_list("month", "refreshed_at")
    )
    days = RollupDay.objects.filter(day__gte=first, day__lte=last).annotate(month=TruncMonth("day"))
    for row in days.values("month").annotate(latest=Max("refreshed_at")).order_by():
        month = row["month"].date() if isinstance(row["month"], datetime) else row["month"]
        changed[month] = max(changed.get(month, row["latest"]), row["latest"])
    return changed
