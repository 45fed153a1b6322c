"""One month's public counts, protected together (issue 15, item 4): every public count of the
month read from the rollups, written as one privacy.Publication (each breakdown adds up to its
measure's total; the identities between measures below), and suppressed by privacy.protect().

This is the slow part of the public side (the suppression's search grows with the cells, not the
calls): only the publish task (apps/insights/services/releases.py) runs it, ahead of any reader,
and stores what it decides in PublicRelease. Readers compose stored months (apps/insights/public.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from django.utils import timezone

from apps.insights import privacy
from apps.insights.public import PUBLIC_BREAKDOWNS, month_end, month_start, public_breakdowns, public_count_measures
from apps.insights.registry import MEASURES
from apps.insights.selectors import group_labels, measure_values

# Counts that are parts of another public count, per group: whole = parts (+ what the public does
# not see, kept as a hidden remainder so the suppression accounts for it).
IDENTITIES = (
    ("screenings", ("screened_in", "screened_out")),
    ("calls", ("calls_closed", "calls_cancelled")),
    ("calls_closed", tuple(k for k in MEASURES if k.startswith("disposition_"))),
    ("calls_closed", ("calls_without_police",)),
    ("community_feedback", ("community_compliments", "community_concerns", "community_suggestions")),
)


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
    """One month's protected counts (this month: so far), labels in the active language. Slow: the
    publish task's, never a reader's."""
    return _compute_month(month_start(month))


def relabelled(release: MonthRelease) -> MonthRelease:
    """The same release (the same cells, the same suppression) with its labels in the active language."""
    labels = {}
    for by in PUBLIC_BREAKDOWNS:
        names = group_labels(by, release.groups.get(by, []))
        labels.update({(by, g): names.get(g) or release.labels.get((by, g), g) for g in release.groups.get(by, [])})
    return replace(release, labels=labels)
