"""The public tables (issue 15, items 3 to 5): the registry's public measures for a range of whole
months, with every count protected by apps/insights/privacy.py. The dashboard, the summary API and
the open-data releases all read `summary` or `month_release`, so they show the same numbers.

Why whole months: a suppressed count must not come back by subtracting two ranges (1-31 March
minus 1-30 March is one day). Suppression is decided once per calendar month, over every public
table of that month together (calls by source, type, priority and district share the month's
total; screened in + screened out = screened; the dispositions add up to closed calls...); a range
of months shows a sum only when every month's cell in it is shown, so it publishes nothing a reader
could not add up from the monthly releases.

Never here: a person, an address or any free text; geography finer than a district; a date finer
than a day; the teams (a team is a handful of named people).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from apps.common.errors import ApplicationError
from apps.insights import privacy
from apps.insights.models import RollupDay
from apps.insights.registry import BREAKDOWN_LABELS, MEASURES, Measure, public_measures
from apps.insights.selectors import measure_values, rollups_as_of

# The public breakdowns: no team (a few named people), no week (cells too small to show).
PUBLIC_BREAKDOWNS = ("source", "call_type", "priority", "district")
MAX_MONTHS = 120
# Counts that are parts of another public count, per group: whole = parts (+ what the public does
# not see, kept as a hidden remainder so the suppression accounts for it).
IDENTITIES = (
    ("screenings", ("screened_in", "screened_out")),
    ("calls", ("calls_closed", "calls_cancelled")),
    ("calls_closed", tuple(k for k in MEASURES if k.startswith("disposition_"))),
    ("calls_closed", ("calls_without_police",)),
)


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def months_between(start: date, end: date) -> list[date]:
    out, day = [], month_start(start)
    while day <= end:
        out.append(day)
        day = month_end(day) + timedelta(days=1)
    return out


def default_range(today: date | None = None) -> tuple[date, date]:
    """The last twelve complete months. (This month so far is one query away: a month just begun
    has small counts everywhere, and a range hides a sum whenever one of its months hides a cell.)"""
    today = today or timezone.localdate()
    end = month_start(today) - timedelta(days=1)
    first = month_start(end)
    for _i in range(11):
        first = month_start(first - timedelta(days=1))
    return first, end


def this_month(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    return month_start(today), month_end(today)


def parse_range(raw_from: str | None, raw_to: str | None) -> tuple[date, date]:
    """Whole months: `from` the first day of a month, `to` the last day of one. Raises
    ApplicationError with field errors otherwise (the API answers 400 with them)."""
    errors: dict[str, list[str]] = {}
    values = {}
    for name, raw in (("from", raw_from), ("to", raw_to)):
        if not raw:
            errors[name] = [_("Give a date as YYYY-MM-DD.")]
            continue
        try:
            values[name] = date.fromisoformat(raw)
        except ValueError:
            errors[name] = [_("Give a date as YYYY-MM-DD.")]
    if "from" in values and values["from"].day != 1:
        errors["from"] = [_("Start on the first day of a month: the public numbers are kept by whole months.")]
    if "to" in values and values["to"] != month_end(values["to"]):
        errors["to"] = [_("End on the last day of a month: the public numbers are kept by whole months.")]
    if not errors and values["to"] < values["from"]:
        errors["to"] = [_("End after the start.")]
    if not errors and len(months_between(values["from"], values["to"])) > MAX_MONTHS:
        errors["to"] = [_("Ask for ten years at most.")]
    if errors:
        raise ApplicationError(_("Choose whole months."), extra=errors)
    return values["from"], values["to"]


def first_day() -> date | None:
    """The first day with rollups: where the open-data releases begin."""
    return RollupDay.objects.order_by("day").values_list("day", flat=True).first()


def public_breakdowns(measure: Measure) -> tuple[str, ...]:
    """How a public measure is broken down in public. Dispositions are published as totals (and by
    month) only: nine outcomes by four breakdowns would be mostly small cells to hide."""
    if measure.key.startswith("disposition_"):
        return ()
    return tuple(by for by in PUBLIC_BREAKDOWNS if by in measure.breakdowns)


def public_count_measures() -> list[Measure]:
    return [m for m in public_measures() if m.kind == "count"]


# One month: every public count, protected together.


@dataclass
class MonthRelease:
    month: date
    # (measure, breakdown or "total", group) -> (count, shown); labels by (breakdown, group).
    cells: dict[tuple[str, str, str], tuple[float, bool]] = field(default_factory=dict)
    labels: dict[tuple[str, str], str] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)
    suppressed: int = 0
    # What the suppression decided on (kept for the attack test): every cell and sum, and the hidden.
    publication: privacy.Publication | None = None
    hidden: frozenset = frozenset()

    def value(self, key: str, breakdown: str, group: str) -> float | None:
        count, shown = self.cells.get((key, breakdown, group), (0, True))
        return count if shown else None


def _cell_name(key: str, breakdown: str, group: str) -> str:
    return f"{key}|{breakdown}|{group}"


def _compute_month(month: date) -> MonthRelease:
    start, end = month, min(month_end(month), timezone.localdate())
    release = MonthRelease(month=month)
    counts = public_count_measures()
    if end < start:
        return release
    raw: dict[str, dict[str, dict[str, float]]] = {}
    for measure in counts:
        raw[measure.key] = {"total": {"": measure_values(measure.key, start=start, end=end)[0]["value"]}}
        for by in public_breakdowns(measure):
            rows = measure_values(measure.key, start=start, end=end, by=by)
            raw[measure.key][by] = {str(r["group"]): r["value"] for r in rows}
            for r in rows:
                release.labels[(by, str(r["group"]))] = str(r["label"])
    for by in PUBLIC_BREAKDOWNS:
        groups = {g for tables in raw.values() for g in tables.get(by, {})}
        release.groups[by] = sorted(groups, key=lambda g: (g == "", release.labels.get((by, g), g).lower()))
        if by == "priority":
            release.groups[by] = sorted(groups, key=lambda g: (g == "", g))
    pub = privacy.Publication()
    integral = {m.key for m in counts if m.scale == 1}
    for key, tables in raw.items():
        if key not in integral:
            continue
        total = pub.cell(_cell_name(key, "total", ""), int(tables["total"][""]))
        for by in PUBLIC_BREAKDOWNS:
            if tables.get(by):  # a breakdown with no rows at all publishes no table
                values = {g: int(tables[by].get(g, 0)) for g in release.groups[by]}
                parts = [pub.cell(_cell_name(key, by, g), v) for g, v in values.items()]
                rest = pub.cells[total] - sum(values.values())
                if rest < 0:
                    continue  # a record counted in two groups: not a partition, no sum to tie
                if rest:  # records with no group here: a hidden remainder the suppression accounts for
                    parts.append(pub.cell(_cell_name(key, by, "(rest)"), rest))
                pub.add_sum(total, parts)
    for n, (whole, parts) in enumerate(IDENTITIES):
        if whole not in integral or not all(p in integral for p in parts):
            continue
        for by, groups in [("total", [""]), *[(b, release.groups[b]) for b in PUBLIC_BREAKDOWNS]]:
            if by != "total" and not all(by in raw[k] for k in (whole, *parts)):
                continue
            for g in groups:
                names = [_cell_name(k, by, g) for k in (whole, *parts)]
                for name in names:
                    pub.cells.setdefault(name, 0)
                have = sum(pub.cells[p] for p in names[1:])
                if have > pub.cells[names[0]]:
                    continue  # not a partition after all: nothing to tie
                rest = pub.cell(f"(rest {n})|{by}|{g}", pub.cells[names[0]] - have)
                pub.add_sum(names[0], [*names[1:], rest])
    hidden = privacy.protect(pub)
    release.publication, release.hidden = pub, frozenset(hidden)
    for key, tables in raw.items():
        for by, values in tables.items():
            for g, value in values.items():
                name = _cell_name(key, by, g)
                release.cells[(key, by, g)] = (value, name not in hidden and not _small_derived(key, value))
        for by in PUBLIC_BREAKDOWNS:
            for g in release.groups.get(by, []) if by in tables else []:
                if (key, by, g) not in release.cells:
                    release.cells[(key, by, g)] = (0, True)
    release.suppressed = sum(1 for _v, shown in release.cells.values() if not shown)
    return release


def _small_derived(key: str, value: float) -> bool:
    """A count kept in other units (hours): shown only when the records behind it are enough; the
    registry's integral counts are protected by the publication instead."""
    measure = MEASURES[key]
    return measure.scale != 1 and 0 < value * measure.scale < privacy.min_count()


def month_release(month: date) -> MonthRelease:
    """One month's protected counts, cached: a month over for an hour, this month for a minute."""
    month = month_start(month)
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = f"insights:public:month:{month:%Y-%m}:{language}:{privacy.min_count()}"
    release = cache.get(key)
    if release is None:
        release = _compute_month(month)
        current = month == month_start(timezone.localdate())
        cache.set(key, release, settings.FIRSTLINE_PUBLIC_CACHE_SECONDS * (1 if current else 60))
    return release


# A range of whole months: the dashboard's, the API's and each open-data release's numbers.


def _sum(releases: list[MonthRelease], key: str, by: str, group: str) -> float | None:
    """A range's count: the sum of its months, shown only when every month's count is shown."""
    total = 0
    for release in releases:
        value = release.value(key, by, group)
        if value is None:
            return None
        total += value
    return total


def _share(count: float | None, base: float | None) -> float | None:
    if count is None or base is None or not base:
        return None
    return privacy.share(round(100 * count / base, 1), base=int(base))


def _duration(row: dict) -> dict:
    base = row["count"]
    return {
        "p50": privacy.statistic(row["p50"], base=base),
        "p90": privacy.statistic(row["p90"], base=base),
        "within_target": privacy.share(row["within_target"], base=base),
    }


def _month_label(month: date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def _count_entry(measure: Measure, releases: list[MonthRelease], groups, labels) -> dict:
    key = measure.key
    return {
        "total": _sum(releases, key, "total", ""),
        "by_month": [
            {"group": f"{r.month:%Y-%m}", "label": _month_label(r.month), "value": r.value(key, "total", "")}
            for r in releases
        ],
        "breakdowns": {
            by: [{"group": g, "label": labels[(by, g)], "value": _sum(releases, key, by, g)} for g in groups[by]]
            for by in public_breakdowns(measure)
        },
    }


def _share_entry(measure: Measure, releases, groups, labels, start: date, end: date) -> dict:
    by_counter = {m.counter: m.key for m in public_count_measures()}
    counter, base = by_counter.get(measure.counter), by_counter.get(measure.base)
    if counter and base:  # both counts are public: the share of the shown counts, or nothing

        def value(rels, by, g):
            return _share(_sum(rels, counter, by, g), _sum(rels, base, by, g))

        return {
            "total": value(releases, "total", ""),
            "by_month": [
                {"group": f"{r.month:%Y-%m}", "label": _month_label(r.month), "value": value([r], "total", "")}
                for r in releases
            ],
            "breakdowns": {
                by: [{"group": g, "label": labels[(by, g)], "value": value(releases, by, g)} for g in groups[by]]
                for by in public_breakdowns(measure)
            },
        }
    return _read_entry(measure, start, end, lambda row: privacy.share(row["value"], base=row["count"]))


def _read_entry(measure: Measure, start: date, end: date, shape) -> dict:
    """A statistic read for the range itself (a median is not a sum of months), each suppressed on
    its own base."""
    overall = measure_values(measure.key, start=start, end=end)[0]
    months = measure_values(measure.key, start=start, end=end, by="month") if "month" in measure.breakdowns else []
    return {
        "total": shape(overall),
        "by_month": [{"group": r["group"], "label": str(r["label"]), "value": shape(r)} for r in months],
        "breakdowns": {
            by: [
                {"group": str(r["group"]), "label": str(r["label"]), "value": shape(r)}
                for r in measure_values(measure.key, start=start, end=end, by=by)
            ]
            for by in public_breakdowns(measure)
        },
    }


def _compute_summary(start: date, end: date) -> dict:
    months = months_between(start, end)
    releases = [month_release(m) for m in months]
    last_day = min(end, timezone.localdate())
    groups: dict[str, list[str]] = {}
    labels: dict[tuple[str, str], str] = {}
    for release in releases:
        labels.update(release.labels)
    for by in PUBLIC_BREAKDOWNS:
        seen = {g for r in releases for g in r.groups.get(by, [])}
        key = (lambda g: (g == "", g)) if by == "priority" else (lambda g, by=by: (g == "", labels[(by, g)].lower()))
        groups[by] = sorted(seen, key=key)
    measures = []
    for measure in public_measures():
        entry = {
            "key": measure.key,
            "name": str(measure.name),
            "unit": measure.unit,
            "kind": measure.kind,
        }
        if measure.kind == "count":
            entry |= _count_entry(measure, releases, groups, labels)
        elif measure.kind == "share":
            entry |= _share_entry(measure, releases, groups, labels, start, last_day)
        elif last_day >= start:
            entry |= _read_entry(measure, start, last_day, _duration)
        else:
            entry |= {"total": _duration({"count": 0, "p50": None, "p90": None, "within_target": None})}
            entry |= {"by_month": [], "breakdowns": {}}
        measures.append(entry)
    as_of = rollups_as_of()
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "as_of": as_of.isoformat() if as_of else None,
        "min_count": privacy.min_count(),
        "breakdowns": {by: str(BREAKDOWN_LABELS[by]) for by in PUBLIC_BREAKDOWNS},
        "measures": measures,
    }


def summary(start: date, end: date) -> dict:
    """The public numbers for whole months start..end (see parse_range), suppressed values None.
    Cached by range, language and threshold for FIRSTLINE_PUBLIC_CACHE_SECONDS."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = f"insights:public:summary:{start}:{end}:{language}:{privacy.min_count()}"
    found = cache.get(key)
    if found is None:
        found = _compute_summary(start, end)
        cache.set(key, found, settings.FIRSTLINE_PUBLIC_CACHE_SECONDS)
    return found
