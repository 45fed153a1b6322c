"""Funding sources with their restrictions, and what each source gives to a budget line."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.common.errors import ApplicationError
from apps.funding.models import (
    Allocation,
    BudgetLine,
    Category,
    CategoryCap,
    FundingSource,
    Measure,
    ReportingDeadline,
)
from apps.funding.services.shared import _amount, _require_keeper


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
    measures=(),
    exact: bool = False,
) -> FundingSource:
    """Create or update a source by name, with its caps per category and reporting dates.

    With `exact` (the admin's form, which shows them all) the caps and dates given are all the source
    has: any other is removed; without it they are added to the source's own.
    """
    _require_keeper(actor)
    if kind not in FundingSource.Kind.values:
        raise ApplicationError(_("“%(kind)s” is not a kind of funding source.") % {"kind": kind})
    if ends_on < starts_on:
        raise ApplicationError(_("A funding period ends after it starts."))
    unknown = [c for c in allowed_categories if c not in Category.values]
    if unknown:
        raise ApplicationError(_("“%(category)s” is not a budget category.") % {"category": unknown[0]})
    unknown = [m for m in measures if m not in Measure.values]
    if unknown:
        raise ApplicationError(_("“%(measure)s” is not a measure the report knows.") % {"measure": unknown[0]})
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
            "measures": list(measures),
        },
    )
    for category, cap in (caps or {}).items():
        CategoryCap.objects.update_or_create(source=source, category=category, defaults={"cap": _amount(cap)})
    for due_on, description in deadlines:
        ReportingDeadline.objects.update_or_create(source=source, due_on=due_on, defaults={"description": description})
    if exact:
        source.caps.exclude(category__in=list(caps or {})).delete()
        source.deadlines.exclude(due_on__in=[due_on for due_on, _description in deadlines]).delete()
    restrictions = {
        "awarded": str(source.awarded),
        "allowed_categories": source.allowed_categories,
        "caps": {cap.category: str(cap.cap) for cap in source.caps.order_by("category")},
        "deadlines": [str(deadline.due_on) for deadline in source.deadlines.order_by("due_on")],
    }
    audit_record(
        actor=actor,
        action="funding.source.create" if created else "funding.source.change",
        obj=source,
        detail=restrictions,
    )
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
