"""Fiscal years and budgets, kept in versions: create, copy, add and change a line."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.common.errors import ApplicationError
from apps.funding import conf
from apps.funding.models import Budget, BudgetLine, Category, Expenditure, FiscalYear
from apps.funding.services.shared import _amount, _require_keeper
from apps.funding.services.sources import allocation_set


def fiscal_year_bounds(year: int) -> tuple[date, date]:
    """FY<year> ends in <year>: with a July start, FY2026 runs 2025-07-01 to 2026-06-30."""
    month = conf.fiscal_year_start_month()
    starts_on = date(year - 1 if month > 1 else year, month, 1)
    ends_on = date(starts_on.year + 1, starts_on.month, 1) - timedelta(days=1)
    return starts_on, ends_on


def fiscal_year_create(*, actor, year: int) -> FiscalYear:
    _require_keeper(actor)
    starts_on, ends_on = fiscal_year_bounds(year)
    fiscal_year, created = FiscalYear.objects.get_or_create(
        name=f"FY{year}", defaults={"starts_on": starts_on, "ends_on": ends_on}
    )
    if created:
        audit_record(actor=actor, action="funding.fiscal_year.create", obj=fiscal_year)
    return fiscal_year


def _version_lines(budget: Budget) -> None:
    if budget.fiscal_year.budgets.filter(number__gt=budget.number).exists():
        raise ApplicationError(_("This budget version has a newer version; make changes there."))
    if Expenditure.objects.filter(line__budget=budget).exists() and budget.status != Budget.Status.PROPOSED:
        raise ApplicationError(_("Spending is charged to this version; amend it as a new version instead."))


@transaction.atomic
def budget_version_create(
    *, actor, fiscal_year: FiscalYear, status: str, effective_on: date | None = None, notes: str = "", lines=()
) -> Budget:
    """A new version of the year's budget (the earlier ones stay as they were). `lines` are dicts
    with category, amount, and optionally team, program_area, notes and allocations
    ({source: amount})."""
    _require_keeper(actor)
    FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    if status not in Budget.Status.values:
        raise ApplicationError(_("A budget version is proposed, adopted or amended."))
    effective_on = effective_on or fiscal_year.starts_on
    if not fiscal_year.starts_on <= effective_on <= fiscal_year.ends_on:
        raise ApplicationError(_("A budget version comes into force within its fiscal year."))
    previous = fiscal_year.budgets.aggregate(n=Max("number"))["n"] or 0
    if status == Budget.Status.AMENDED and not fiscal_year.budgets.exclude(status=Budget.Status.PROPOSED).exists():
        raise ApplicationError(_("Only an adopted budget can be amended."))
    budget = Budget.objects.create(
        fiscal_year=fiscal_year,
        number=previous + 1,
        status=status,
        effective_on=effective_on,
        notes=notes,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    for line in lines:
        line = dict(line)
        allocations = line.pop("allocations", {}) or {}
        created = budget_line_add(actor=actor, budget=budget, **line)
        for source, amount in allocations.items():
            allocation_set(actor=actor, line=created, source=source, amount=amount)
    audit_record(
        actor=actor,
        action="funding.budget.create",
        obj=budget,
        detail={"fiscal_year": fiscal_year.name, "number": budget.number, "status": status},
    )
    return budget


@transaction.atomic
def budget_version_copy(*, actor, budget: Budget, status: str, effective_on: date | None = None) -> Budget:
    """Start the next version from this one, lines and allocations included, to adopt or amend it."""
    lines = [
        {
            "category": line.category,
            "amount": line.amount,
            "team": line.team,
            "program_area": line.program_area,
            "notes": line.notes,
            "allocations": {a.source: a.amount for a in line.allocations.all()},
        }
        for line in budget.lines.prefetch_related("allocations__source")
    ]
    return budget_version_create(
        actor=actor,
        fiscal_year=budget.fiscal_year,
        status=status,
        effective_on=effective_on,
        notes=_("From version %(number)s.") % {"number": budget.number},
        lines=lines,
    )


def budget_line_add(
    *, actor, budget: Budget, category: str, amount, team=None, program_area: str = "", notes: str = ""
) -> BudgetLine:
    _require_keeper(actor)
    _version_lines(budget)
    if category not in Category.values:
        raise ApplicationError(_("“%(category)s” is not a budget category.") % {"category": category})
    amount = _amount(amount)
    if amount < 0:
        raise ApplicationError(_("A budget line's amount cannot be negative."))
    line = BudgetLine.objects.create(
        budget=budget, category=category, amount=amount, team=team, program_area=program_area, notes=notes
    )
    audit_record(actor=actor, action="funding.line.create", obj=line, detail={"amount": str(amount)})
    return line


def budget_line_change(*, actor, line: BudgetLine, **changes) -> BudgetLine:
    _require_keeper(actor)
    _version_lines(line.budget)
    if "amount" in changes:
        changes["amount"] = _amount(changes["amount"])
        allocated = line.allocations.aggregate(total=Sum("amount"))["total"] or Decimal(0)
        if changes["amount"] < allocated:
            raise ApplicationError(_("The line is already allocated %(allocated)s.") % {"allocated": allocated})
    for name, value in changes.items():
        setattr(line, name, value)
    line.save()
    audit_record(actor=actor, action="funding.line.change", obj=line, detail={"fields": sorted(changes)})
    return line
