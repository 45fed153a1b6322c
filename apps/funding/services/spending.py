"""Spending: every charge passes `expenditure_check`, so the admin, the import and the command
refuse the same charge with the same words.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.common.errors import ApplicationError
from apps.funding.models import BudgetLine, Expenditure, FundingSource, ImportRun
from apps.funding.selectors import budget_in_force
from apps.funding.services.shared import _amount, _require_keeper


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
