"""The only writers of budgets, funding sources, allocations and spending.

Every charge passes `expenditure_check`, so the admin, the import and the command refuse the same
charge with the same words.
"""

import csv
import hashlib
import io
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from apps.accounts.roles import may_keep_funding
from apps.audit.services import audit_record
from apps.common.errors import ApplicationError, PermissionRefused
from apps.funding import conf
from apps.funding.models import (
    Allocation,
    Budget,
    BudgetLine,
    Category,
    CategoryCap,
    Expenditure,
    FiscalYear,
    FundingSource,
    ImportMapping,
    ImportRun,
    ReportingDeadline,
)
from apps.funding.selectors import budget_in_force

CENT = Decimal("0.01")
IMPORT_FIELDS = ("spent_on", "amount", "category", "source", "program_area", "vendor", "description", "reference")
REQUIRED_IMPORT_FIELDS = ("spent_on", "amount", "category", "source")


def _require_keeper(actor) -> None:
    if not may_keep_funding(actor):
        raise PermissionRefused(_("Only finance staff and supervisors change budgets and spending."))


def _amount(value, *, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").replace("$", "").strip())
    except (InvalidOperation, ValueError):
        raise ApplicationError(_("“%(value)s” is not an amount of money.") % {"value": value}) from None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise ApplicationError(_("“%(value)s” is not an amount of money to the cent.") % {"value": value})
    return amount.quantize(CENT)


# --- fiscal years and budgets -----------------------------------------------------------------


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


# --- funding sources and allocations ----------------------------------------------------------


@transaction.atomic
def funding_source_save(
    *,
    actor,
    name: str,
    kind: str,
    awarded,
    starts_on: date,
    ends_on: date,
    allowed_categories=(),
    caps: dict | None = None,
    match_percent=0,
    restrictions_notes: str = "",
    deadlines=(),
) -> FundingSource:
    """Create or update a source by name, with its caps per category and reporting dates."""
    _require_keeper(actor)
    if kind not in FundingSource.Kind.values:
        raise ApplicationError(_("“%(kind)s” is not a kind of funding source.") % {"kind": kind})
    if ends_on < starts_on:
        raise ApplicationError(_("A funding period ends after it starts."))
    unknown = [c for c in allowed_categories if c not in Category.values]
    if unknown:
        raise ApplicationError(_("“%(category)s” is not a budget category.") % {"category": unknown[0]})
    source, created = FundingSource.objects.update_or_create(
        name=name,
        defaults={
            "kind": kind,
            "awarded": _amount(awarded),
            "starts_on": starts_on,
            "ends_on": ends_on,
            "allowed_categories": list(allowed_categories),
            "match_percent": Decimal(str(match_percent)),
            "restrictions_notes": restrictions_notes,
        },
    )
    for category, cap in (caps or {}).items():
        CategoryCap.objects.update_or_create(source=source, category=category, defaults={"cap": _amount(cap)})
    for due_on, description in deadlines:
        ReportingDeadline.objects.get_or_create(source=source, due_on=due_on, defaults={"description": description})
    audit_record(actor=actor, action="funding.source.create" if created else "funding.source.change", obj=source)
    return source


@transaction.atomic
def allocation_set(*, actor, line: BudgetLine, source: FundingSource, amount) -> Allocation:
    """How much of a line a source pays. The parts of a line never add up to more than the line."""
    _require_keeper(actor)
    amount = _amount(amount)
    BudgetLine.objects.select_for_update().get(pk=line.pk)
    if not source.allows(line.category):
        raise ApplicationError(
            _("%(source)s does not pay for %(category)s.")
            % {"source": source.name, "category": line.get_category_display()}
        )
    others = line.allocations.exclude(source=source).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    if others + amount > line.amount:
        raise ApplicationError(
            _("Allocations of %(total)s would exceed the line's %(amount)s.")
            % {"total": others + amount, "amount": line.amount}
        )
    allocation, _created = Allocation.objects.update_or_create(line=line, source=source, defaults={"amount": amount})
    audit_record(actor=actor, action="funding.allocation.set", obj=allocation, detail={"amount": str(amount)})
    return allocation


# --- spending ---------------------------------------------------------------------------------


def expenditure_check(*, spent_on: date, amount: Decimal, line: BudgetLine, source: FundingSource) -> None:
    """Refuse a charge that breaks a rule of the budget or a restriction of the source."""
    if amount <= 0:
        raise ApplicationError(_("An expenditure is an amount above zero."))
    category = line.get_category_display()
    if not source.starts_on <= spent_on <= source.ends_on:
        raise ApplicationError(
            _("%(source)s pays for spending from %(start)s to %(end)s; this was spent on %(day)s.")
            % {"source": source.name, "start": source.starts_on, "end": source.ends_on, "day": spent_on}
        )
    if not source.allows(line.category):
        raise ApplicationError(
            _("%(source)s does not pay for %(category)s.") % {"source": source.name, "category": category}
        )
    in_force = budget_in_force(spent_on)
    if in_force is None or line.budget_id != in_force.pk:
        raise ApplicationError(_("This budget line is not in the budget in force on %(day)s.") % {"day": spent_on})
    if not line.allocations.filter(source=source).exists():
        raise ApplicationError(
            _("%(source)s is not allocated to this %(category)s line.") % {"source": source.name, "category": category}
        )
    cap = source.caps.filter(category=line.category).first()
    if cap is not None:
        spent = Expenditure.objects.filter(source=source, line__category=line.category).aggregate(t=Sum("amount"))[
            "t"
        ] or Decimal(0)
        if spent + amount > cap.cap:
            raise ApplicationError(
                _("%(source)s pays at most %(cap)s for %(category)s; %(spent)s is already charged.")
                % {"source": source.name, "cap": cap.cap, "category": category, "spent": spent}
            )
    spent = Expenditure.objects.filter(source=source).aggregate(t=Sum("amount"))["t"] or Decimal(0)
    if spent + amount > source.awarded:
        raise ApplicationError(
            _("%(source)s awarded %(awarded)s and %(spent)s is already charged; this charge would exceed it.")
            % {"source": source.name, "awarded": source.awarded, "spent": spent}
        )


@transaction.atomic
def expenditure_record(
    *,
    actor,
    spent_on: date,
    amount,
    line: BudgetLine,
    source: FundingSource,
    vendor: str = "",
    description: str = "",
    reference: str = "",
    fingerprint: str | None = None,
    import_run: ImportRun | None = None,
) -> Expenditure:
    _require_keeper(actor)
    amount = _amount(amount)
    FundingSource.objects.select_for_update().get(pk=source.pk)  # one charge at a time per source
    expenditure_check(spent_on=spent_on, amount=amount, line=line, source=source)
    expenditure = Expenditure.objects.create(
        spent_on=spent_on,
        amount=amount,
        line=line,
        source=source,
        vendor=vendor,
        description=description,
        reference=reference,
        fingerprint=fingerprint,
        import_run=import_run,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if import_run is None:
        audit_record(actor=actor, action="funding.expenditure.create", obj=expenditure, detail={"amount": str(amount)})
    return expenditure


# --- spending import --------------------------------------------------------------------------


def import_mapping_save(*, actor, name: str, columns: dict, date_format: str = "%Y-%m-%d") -> ImportMapping:
    _require_keeper(actor)
    missing = [field for field in REQUIRED_IMPORT_FIELDS if not columns.get(field)]
    if missing:
        raise ApplicationError(_("The mapping needs a column for %(field)s.") % {"field": missing[0]})
    unknown = [field for field in columns if field not in IMPORT_FIELDS]
    if unknown:
        raise ApplicationError(_("“%(field)s” is not a field of an expenditure.") % {"field": unknown[0]})
    mapping, _created = ImportMapping.objects.update_or_create(
        name=name, defaults={"columns": columns, "date_format": date_format}
    )
    audit_record(actor=actor, action="funding.mapping.save", obj=mapping)
    return mapping


def _fingerprint(values: dict, occurrence: int) -> str:
    """The same row of the same file always gives the same print (the n-th of identical rows too)."""
    text = "\x1f".join(str(values.get(field, "")).strip() for field in IMPORT_FIELDS) + f"\x1f{occurrence}"
    return hashlib.sha256(text.encode()).hexdigest()


def _resolve_row(values: dict, mapping: ImportMapping) -> dict:
    try:
        spent_on = datetime.strptime(values["spent_on"].strip(), mapping.date_format).date()  # noqa: DTZ007 a day
    except ValueError:
        raise ApplicationError(_("“%(value)s” is not a date.") % {"value": values["spent_on"]}) from None
    amount = _amount(values["amount"])
    category = values["category"].strip().lower()
    labels = {str(label).lower(): value for value, label in Category.choices}
    category = labels.get(category, category)
    if category not in Category.values:
        raise ApplicationError(_("“%(category)s” is not a budget category.") % {"category": values["category"]})
    source = FundingSource.objects.filter(name__iexact=values["source"].strip()).first()
    if source is None:
        raise ApplicationError(_("No funding source is called “%(name)s”.") % {"name": values["source"]})
    budget = budget_in_force(spent_on)
    if budget is None:
        raise ApplicationError(_("No budget is in force on %(day)s.") % {"day": spent_on})
    lines = budget.lines.filter(category=category)
    if values.get("program_area"):
        lines = lines.filter(program_area__iexact=values["program_area"].strip())
    funded = lines.filter(allocations__source=source).first()
    line = funded or lines.first()
    if line is None:
        raise ApplicationError(_("The budget in force has no %(category)s line.") % {"category": category})
    return {
        "spent_on": spent_on,
        "amount": amount,
        "line": line,
        "source": source,
        "vendor": values.get("vendor", "")[:200],
        "description": values.get("description", "")[:300],
        "reference": values.get("reference", "")[:100],
    }


def spending_import(*, actor, text: str, mapping: ImportMapping, filename: str = "") -> ImportRun:
    """Import a finance system's CSV. Each row is charged on its own (a refused row is reported with
    its line number and reason, the others still land); a row already imported is skipped, so
    importing the same file again changes nothing."""
    _require_keeper(actor)
    run = ImportRun.objects.create(mapping=mapping, filename=filename[:255], actor=actor if actor.pk else None)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headings = set(reader.fieldnames or [])
    missing = [mapping.columns[f] for f in REQUIRED_IMPORT_FIELDS if mapping.columns.get(f) not in headings]
    errors = []
    if missing:
        errors.append({"row": 1, "error": _("The file has no column “%(column)s”.") % {"column": missing[0]}})
    seen: dict[str, int] = {}
    created = already = total = 0
    for number, raw in enumerate(reader if not missing else [], start=2):
        total += 1
        values = {field: (raw.get(column) or "") for field, column in mapping.columns.items()}
        key = "\x1f".join(str(values.get(field, "")).strip() for field in IMPORT_FIELDS)
        seen[key] = seen.get(key, 0) + 1
        fingerprint = _fingerprint(values, seen[key])
        if Expenditure.objects.filter(fingerprint=fingerprint).exists():
            already += 1
            continue
        try:
            expenditure_record(actor=actor, fingerprint=fingerprint, import_run=run, **_resolve_row(values, mapping))
        except ApplicationError as error:
            errors.append({"row": number, "error": error.message})
            continue
        created += 1
    run.rows_total, run.rows_created, run.rows_already_there, run.errors = total, created, already, errors
    run.save()
    audit_record(
        actor=actor,
        action="funding.import",
        obj=run,
        detail={"file": filename, "created": created, "already_there": already, "errors": len(errors)},
    )
    return run
