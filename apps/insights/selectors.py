"""Reads of the program's measures. Every number comes from the daily rollups (a year by one
breakdown is a few thousand small rows), never from scanning calls; nothing here names a person,
so nothing here is audited: drill-downs to the calls behind a number are another door's job.
"""

from collections import Counter, defaultdict
from datetime import date, timedelta

from django.utils import formats
from django.utils.translation import gettext as _

from apps.common.errors import ApplicationError
from apps.incidents.models import Source
from apps.incidents.selectors import call_type_names
from apps.incidents.vocab import AGENCIES, CO_RESPONSE_REASONS
from apps.insights.models import DailyRollup, RollupDay
from apps.insights.registry import BREAKDOWNS, MEASURES, Measure, percentile
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
    return {g: g for g in groups}


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
    wanted = {c for c in (measure.counter, measure.base, measure.records) if c}
    counts: dict[str | None, Counter] = defaultdict(Counter)
    histograms: dict[str | None, Counter] = defaultdict(Counter)
    rows = DailyRollup.objects.filter(dimension=dimension, day__gte=start, day__lte=end).values_list(
        "day", "value", "counts", "histograms"
    )
    for day, value, row_counts, row_histograms in rows.iterator(chunk_size=5000):
        group = None if by is None else _period_key(by, day) if by in PERIODS else value
        bucket = counts[group]
        for counter in wanted:
            if counter in row_counts:
                bucket[counter] += row_counts[counter]
        if measure.histogram and measure.histogram in row_histograms:
            for minutes, n in row_histograms[measure.histogram].items():
                histograms[group][int(minutes)] += n
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


def rollups_as_of() -> object:
    """When the rollups were last recomputed (the latest day refreshed), or None before any."""
    return RollupDay.objects.order_by("-refreshed_at").values_list("refreshed_at", flat=True).first()
