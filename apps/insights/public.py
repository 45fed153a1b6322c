"""The public tables (issue 15, items 3 to 5): the registry's public measures for a range of whole
months, with every count protected by apps/insights/privacy.py. The dashboard, the summary API and
the open-data releases all read `summary`, so they show the same numbers.

Why whole months: a suppressed count must not come back by subtracting two ranges (1-31 March
minus 1-30 March is one day). Suppression is decided once per calendar month, over every public
table of that month together (apps/insights/suppression.py), by the publish task, ahead of any
reader (PublicRelease); a range of months shows a sum only when every month's cell in it is shown,
so it publishes nothing a reader could not add up from the monthly releases. docs/insights.md
says why that holds for any range.

Never here: a person, an address or any free text; geography finer than a district; a date finer
than a day; the teams (a team is a handful of named people).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from apps.common.errors import ApplicationError
from apps.insights import privacy
from apps.insights.models import RollupDay
from apps.insights.registry import BREAKDOWN_LABELS, Measure, public_measures
from apps.insights.selectors import measure_values, public_releases, rollups_as_of

# The public breakdowns: no team (a few named people), no week (cells too small to show).
PUBLIC_BREAKDOWNS = ("source", "call_type", "priority", "district")
MAX_MONTHS = 120


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


# A range of whole months: the dashboard's, the API's and each open-data release's numbers, composed
# from months already protected (a suppression.MonthRelease, or a stored month read back).


class StoredMonth:
    """A month's release read back from its stored summary (PublicRelease), or a month not released
    yet (summary None: every count unknown, so every sum over it is None)."""

    def __init__(self, month: date, summary: dict | None):
        self.month, self.summary = month, summary
        self.cells: dict[tuple[str, str, str], float | None] = {}
        self.labels: dict[tuple[str, str], str] = {}
        self.groups: dict[str, list[str]] = {by: [] for by in PUBLIC_BREAKDOWNS}
        for m in (summary or {}).get("measures", []):
            if m["kind"] != "count":
                continue
            self.cells[(m["key"], "total", "")] = m["total"]
            for by, rows in m["breakdowns"].items():
                for r in rows:
                    self.cells[(m["key"], by, r["group"])] = r["value"]
                    self.labels[(by, r["group"])] = r["label"]
                    if r["group"] not in self.groups.setdefault(by, []):
                        self.groups[by].append(r["group"])

    def value(self, key: str, breakdown: str, group: str) -> float | None:
        if self.summary is None:
            return None
        return self.cells.get((key, breakdown, group), 0)  # a group this month did not have: none


def _sum(releases: list, key: str, by: str, group: str) -> float | None:
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


def _count_entry(measure: Measure, releases: list, groups, labels) -> dict:
    key = measure.key
    return {
        "total": _sum(releases, key, "total", ""),
        "by_month": [
            {"group": f"{r.month:%Y-%m}", "label": _month_label(r.month), "value": r.value(key, "total", "")}
            for r in releases
        ],
        "breakdowns": {
            by: [{"group": g, "label": labels.get((by, g), g), "value": _sum(releases, key, by, g)} for g in groups[by]]
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
                by: [{"group": g, "label": labels.get((by, g), g), "value": value(releases, by, g)} for g in groups[by]]
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


def compose(start: date, end: date, releases: list, *, released_at: str | None = None) -> dict:
    """The public summary of whole months start..end from one protected release per month (in
    order): counts are sums of the months' shown cells, shares of two public counts the share of
    those sums; a median, a percentile or another share is read for the range from the rollups
    (they do not add up) and suppressed on its own base. No suppression runs here."""
    last_day = min(end, timezone.localdate())
    groups: dict[str, list[str]] = {}
    labels: dict[tuple[str, str], str] = {}
    for release in releases:
        labels.update(release.labels)
    for by in PUBLIC_BREAKDOWNS:
        seen = {g for r in releases for g in r.groups.get(by, [])}
        key = (
            (lambda g: (g == "", g))
            if by == "priority"
            else (lambda g, by=by: (g == "", str(labels.get((by, g), g)).lower()))
        )
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
        "released_at": released_at,
        "pending": [f"{r.month:%Y-%m}" for r in releases if getattr(r, "summary", True) is None],
        "min_count": privacy.min_count(),
        "breakdowns": {by: str(BREAKDOWN_LABELS[by]) for by in PUBLIC_BREAKDOWNS},
        "measures": measures,
    }


def stored_months(start: date, end: date, *, language: str, min_count: int) -> list[StoredMonth]:
    """The stored releases of the months start..end, in order. Before the first day with rollups or
    after today a month has nothing to count (zeros); a month not released yet is pending."""
    months = months_between(start, end)
    stored = public_releases([(m, month_end(m)) for m in months], language=language, min_count=min_count)
    first, today = first_day(), timezone.localdate()
    empty = {"measures": []}
    return [
        StoredMonth(m, empty if first is None or month_end(m) < first or m > today else stored.get((m, month_end(m))))
        for m in months
    ]


def _released(start: date, end: date, language: str, threshold: int) -> dict:
    """A stored release of exactly start..end, else the range composed from its stored months."""
    found = public_releases([(start, end)], language=language, min_count=threshold)
    if (start, end) in found:
        return found[(start, end)]
    parts = stored_months(start, end, language=language, min_count=threshold)
    times = [p.summary["released_at"] for p in parts if p.summary and p.summary.get("released_at")]
    return compose(start, end, parts, released_at=min(times) if times else None)


def summary(start: date, end: date) -> dict:
    """The public numbers for whole months start..end (see parse_range), suppressed values None:
    the stored release of that period if the publish task keeps one (each month, this month so far,
    the last twelve complete months), else composed from the stored months. Never computed here:
    a month not yet released is listed under "pending" and its counts are None. Cached by range,
    language and threshold for FIRSTLINE_PUBLIC_CACHE_SECONDS."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    threshold = privacy.min_count()
    key = f"insights:public:summary:{start}:{end}:{language}:{threshold}"
    found = cache.get(key)
    if found is None:
        found = _released(start, end, language, threshold)
        cache.set(key, found, settings.FIRSTLINE_PUBLIC_CACHE_SECONDS)
    return found
