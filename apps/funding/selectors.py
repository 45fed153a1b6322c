"""Reads of the program's money, and the figures funders ask for, for any period.

Operational numbers (calls, people served, team-hours) come from the incidents and teams apps'
own selectors, as aggregates: no person's record is read here. A period is two dates, both
included, read in the program's time zone.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from apps.funding import conf
from apps.funding.models import Allocation, Budget, BudgetLine, BurnRateWarning, Category, Expenditure, FundingSource
from apps.incidents.selectors import incident_counts_for_period
from apps.teams.selectors import team_hours_on_shift

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def budget_in_force(day: date) -> Budget | None:
    """The newest adopted or amended version of the day's fiscal year that is in force that day."""
    return (
        Budget.objects.filter(
            fiscal_year__starts_on__lte=day,
            fiscal_year__ends_on__gte=day,
            status__in=[Budget.Status.ADOPTED, Budget.Status.AMENDED],
            effective_on__lte=day,
        )
        .select_related("fiscal_year")
        .order_by("-number")
        .first()
    )


def per(amount: Decimal, count) -> Decimal | None:
    """Money per unit, rounded half up to the cent; None when there is nothing to divide by."""
    if not count:
        return None
    return (Decimal(amount) / Decimal(count)).quantize(CENT, rounding=ROUND_HALF_UP)


def split_to_cent(total: Decimal | None, weights: list[Decimal]) -> list[Decimal | None]:
    """Share `total` in proportion to `weights` so the parts add up to the total exactly (largest
    remainders get the leftover cents)."""
    if total is None:
        return [None] * len(weights)
    whole = sum(weights, ZERO)
    if not whole:
        return [ZERO] * len(weights)
    cents = int((total / CENT).to_integral_value())
    exact = [Decimal(cents) * w / whole for w in weights]
    parts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - parts[i], reverse=True)
    for i in order[: cents - sum(parts)]:
        parts[i] += 1
    return [Decimal(p) * CENT for p in parts]


def _instant(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.FIRSTLINE_PROGRAM_TIME_ZONE))


@dataclass
class SourceShare:
    source: FundingSource
    spent: Decimal
    share: Decimal  # percent of the period's spending, to two places
    cost_per_call: Decimal | None = None
    cost_per_person: Decimal | None = None
    cost_per_team_hour: Decimal | None = None


@dataclass
class Figures:
    start: date
    end: date
    currency: str
    spent: Decimal
    calls: int
    people_served: int
    team_hours: Decimal | None
    calls_without_police: int
    police_hours_avoided: Decimal
    cost_per_call: Decimal | None
    cost_per_person: Decimal | None
    cost_per_team_hour: Decimal | None
    police_minutes_per_call: dict
    shares: list[SourceShare] = field(default_factory=list)


def spending(start: date, end: date, *, source: FundingSource | None = None):
    rows = Expenditure.objects.filter(spent_on__gte=start, spent_on__lte=end)
    return rows.filter(source=source) if source is not None else rows


def figures_for_period(start: date, end: date) -> Figures:
    """Cost per call, per person served and per team-hour on shift, calls without police and the
    police hours they spared, and each source's share of each figure."""
    counts = incident_counts_for_period(start=_instant(start), end=_instant(end + timedelta(days=1)))
    hours = team_hours_on_shift(start=_instant(start), end=_instant(end + timedelta(days=1)))
    minutes = conf.police_minutes_per_call()
    avoided = sum(
        (
            Decimal(n) * Decimal(minutes.get(code, minutes["default"]))
            for code, n in counts["without_police_by_call_type"].items()
        ),
        Decimal(0),
    )
    rows = spending(start, end)
    spent = rows.aggregate(t=Sum("amount"))["t"] or ZERO
    figures = Figures(
        start=start,
        end=end,
        currency=conf.currency(),
        spent=spent,
        calls=counts["calls"],
        people_served=counts["people_served"],
        team_hours=hours,
        calls_without_police=counts["calls_without_police"],
        police_hours_avoided=(avoided / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
        cost_per_call=per(spent, counts["calls"]),
        cost_per_person=per(spent, counts["people_served"]),
        cost_per_team_hour=per(spent, hours),
        police_minutes_per_call=minutes,
    )
    by_source = {row["source"]: row["t"] for row in rows.values("source").annotate(t=Sum("amount")).order_by()}
    sources = list(FundingSource.objects.filter(pk__in=by_source).order_by("name"))
    weights = [by_source[s.pk] for s in sources]
    shares = split_to_cent(Decimal(100) if spent else None, weights)
    per_call = split_to_cent(figures.cost_per_call, weights)
    per_person = split_to_cent(figures.cost_per_person, weights)
    per_hour = split_to_cent(figures.cost_per_team_hour, weights)
    figures.shares = [
        SourceShare(
            source=s,
            spent=by_source[s.pk],
            share=shares[i] or ZERO,
            cost_per_call=per_call[i],
            cost_per_person=per_person[i],
            cost_per_team_hour=per_hour[i],
        )
        for i, s in enumerate(sources)
    ]
    return figures


def budget_vs_actual_by_category(start: date, end: date) -> list[dict]:
    """The budget in force at the period's end, line totals by category, against what was spent."""
    budget = budget_in_force(end)
    budgeted = {}
    if budget is not None:
        budgeted = {r["category"]: r["t"] for r in budget.lines.values("category").annotate(t=Sum("amount")).order_by()}
    actual = {
        r["line__category"]: r["t"]
        for r in spending(start, end).values("line__category").annotate(t=Sum("amount")).order_by()
    }
    rows = []
    for value, label in Category.choices:
        if value in budgeted or value in actual:
            b, a = budgeted.get(value, ZERO), actual.get(value, ZERO)
            rows.append({"category": value, "label": label, "budget": b, "actual": a, "remaining": b - a})
    return rows


def source_summaries(start: date, end: date) -> list[dict]:
    """Per source: awarded, allocated in the budget in force, spent in the period and to date,
    remaining, and the spending its burn rate projects to the end of its period."""
    budget = budget_in_force(end)
    allocated = {}
    if budget is not None:
        allocated = {
            r["source"]: r["t"]
            for r in Allocation.objects.filter(line__budget=budget)
            .values("source")
            .annotate(t=Sum("amount"))
            .order_by()
        }
    rows = []
    for source in FundingSource.objects.filter(starts_on__lte=end, ends_on__gte=start).order_by("name"):
        in_period = spending(start, end, source=source).aggregate(t=Sum("amount"))["t"] or ZERO
        to_date, projected, _elapsed = burn_projection(source, end)
        rows.append(
            {
                "source": source,
                "awarded": source.awarded,
                "allocated": allocated.get(source.pk, ZERO),
                "spent": in_period,
                "spent_to_date": to_date,
                "remaining": source.awarded - to_date,
                "projected": projected,
                "runs_out": projected > source.awarded,
                "left_unspent": source.awarded - projected if projected < source.awarded else ZERO,
            }
        )
    return rows


def burn_projection(source: FundingSource, day: date) -> tuple[Decimal, Decimal, int]:
    """What the source paid up to `day`, the spending that pace projects to the end of its period,
    and the days of the period the pace was measured over. Burn is measured up to today at the
    latest: days still to come have no spending yet."""
    to_date = Expenditure.objects.filter(source=source, spent_on__lte=day).aggregate(t=Sum("amount"))["t"] or ZERO
    elapsed = (min(day, source.ends_on, timezone.localdate()) - source.starts_on).days + 1
    length = (source.ends_on - source.starts_on).days + 1
    projected = (to_date * length / elapsed).quantize(CENT, rounding=ROUND_HALF_UP) if elapsed > 0 else ZERO
    return to_date, projected, max(elapsed, 0)


def restriction_checks(source: FundingSource, end: date) -> list[dict]:
    """Each restriction of the source next to what was charged to it, for the funder report."""
    charged = {
        r["line__category"]: r["t"]
        for r in Expenditure.objects.filter(source=source, spent_on__lte=end)
        .values("line__category")
        .annotate(t=Sum("amount"))
        .order_by()
    }
    labels = dict(Category.choices)
    checks = []
    outside = [c for c in charged if not source.allows(c)]
    checks.append(
        {
            "rule": "allowed_categories",
            "value": ", ".join(str(labels[c]) for c in source.allowed_categories),
            "actual": ", ".join(str(labels[c]) for c in sorted(charged)),
            "ok": not outside,
        }
    )
    for cap in source.caps.all():
        spent = charged.get(cap.category, ZERO)
        checks.append(
            {"rule": "cap", "value": f"{labels[cap.category]}: {cap.cap}", "actual": spent, "ok": spent <= cap.cap}
        )
    total = sum(charged.values(), ZERO)
    checks.append({"rule": "awarded", "value": source.awarded, "actual": total, "ok": total <= source.awarded})
    if source.match_percent:
        checks.append(
            {
                "rule": "match",
                "value": f"{source.match_percent}%",
                "actual": (total * source.match_percent / 100).quantize(CENT),
                "ok": True,
            }
        )
    return checks


def sources_for_choice():
    return FundingSource.objects.order_by("name")


def lines_in_force(day: date):
    budget = budget_in_force(day)
    return BudgetLine.objects.none() if budget is None else budget.lines.select_related("budget")


def expenditures_for(source: FundingSource, start: date, end: date):
    return spending(start, end, source=source).select_related("line").order_by("spent_on", "pk")


def current_fiscal_year_bounds(today: date) -> tuple[date, date]:
    month = conf.fiscal_year_start_month()
    year = today.year if today.month >= month else today.year - 1
    starts_on = date(year, month, 1)
    return starts_on, date(starts_on.year + 1, starts_on.month, 1) - timedelta(days=1)


def burn_rate_warnings():
    """Warnings raised by the daily check, newest first, for sources whose period has not ended."""
    return BurnRateWarning.objects.filter(source__ends_on__gte=timezone.localdate()).select_related("source")


def public_budget_summary(day: date) -> dict | None:
    """The budget in force on `day` for the public: totals by category and by source, nothing else
    (no line's notes, team, program area, vendor or any person). None when no budget is in force."""
    budget = budget_in_force(day)
    if budget is None:
        return None
    lines = {r["category"]: r["t"] for r in budget.lines.values("category").annotate(t=Sum("amount")).order_by()}
    parts = Allocation.objects.filter(line__budget=budget).values("line__category", "source").annotate(t=Sum("amount"))
    sources = list(FundingSource.objects.filter(allocations__line__budget=budget).distinct().order_by("name"))
    by_cell = {(r["line__category"], r["source"]): r["t"] for r in parts.order_by()}
    rows = []
    for value, label in Category.choices:
        if value not in lines:
            continue
        amounts = [by_cell.get((value, s.pk), ZERO) for s in sources]
        rows.append(
            {
                "label": label,
                "total": lines[value],
                "by_source": amounts,
                "unallocated": lines[value] - sum(amounts, ZERO),
            }
        )
    return {
        "budget": budget,
        "currency": conf.currency(),
        "sources": [
            {"name": s.name, "kind": s.get_kind_display(), "total": sum((r["by_source"][i] for r in rows), ZERO)}
            for i, s in enumerate(sources)
        ],
        "rows": rows,
        "total": sum(lines.values(), ZERO),
        "unallocated": sum((r["unallocated"] for r in rows), ZERO),
    }
