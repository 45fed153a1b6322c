"""What the funding services share: who may keep the books, and money read to the cent."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from apps.accounts.roles import may_keep_funding
from apps.common.errors import ApplicationError, PermissionRefused

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
