"""The burn-rate warning: a source whose spending so far, kept at the same pace, would run out before
its period ends or leave money unspent is raised once per source and condition, and mailed to the
supervisors and finance staff. The daily beat job (apps/funding/tasks.py) calls it; it never repeats.
"""

import logging
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.audit.services import audit_record
from apps.funding import conf
from apps.funding.models import BurnRateWarning, FundingSource
from apps.funding.selectors import burn_projection

logger = logging.getLogger(__name__)


def _condition(source: FundingSource, projected) -> str | None:
    if projected > source.awarded:
        return BurnRateWarning.Condition.RUNS_OUT
    if (source.awarded - projected) * 100 > source.awarded * conf.unspent_warning_percent():
        return BurnRateWarning.Condition.LEFT_UNSPENT
    return None


def burn_rate_warnings_raise(*, today: date | None = None) -> list[BurnRateWarning]:
    """Check every source in its period; raise (and mail) each new warning. Returns those raised now."""
    today = today or timezone.localdate()
    raised = []
    for source in FundingSource.objects.filter(starts_on__lte=today, ends_on__gte=today).order_by("name"):
        spent, projected, elapsed = burn_projection(source, today)
        if elapsed < conf.burn_rate_min_days():
            continue  # too early in the period for its pace to mean anything
        condition = _condition(source, projected)
        if condition is None or BurnRateWarning.objects.filter(source=source, condition=condition).exists():
            continue
        try:
            with transaction.atomic():
                warning = BurnRateWarning.objects.create(
                    source=source,
                    condition=condition,
                    raised_on=today,
                    spent_to_date=spent,
                    projected=projected,
                    awarded=source.awarded,
                )
                audit_record(
                    actor=None,
                    action="funding.burn_warning",
                    obj=warning,
                    door="task",
                    detail={"source": source.pk, "condition": condition, "projected": str(projected)},
                )
        except IntegrityError:
            continue  # another run raised it a moment ago
        raised.append(warning)
    for warning in raised:
        logger.warning("funding burn-rate warning: %s", warning)
        _mail(warning)
    return raised


def _mail(warning: BurnRateWarning) -> None:
    roles = [Role.SUPERVISOR, Role.FINANCE]
    to = [e for e in User.objects.filter(role__in=roles, is_active=True).values_list("email", flat=True) if e]
    if not to:
        return
    try:
        EmailMessage(
            subject=f"[{settings.FIRSTLINE_PROGRAM_NAME}] "
            + _("Funding warning: %(source)s") % {"source": warning.source.name},
            body=warning.describe() + "\n\n" + _("This warning is sent once; the funding page keeps showing it."),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=sorted(set(to)),
        ).send()
    except Exception:
        logger.exception("could not e-mail the funding warning")
