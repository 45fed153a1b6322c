"""Writes about the installation itself: heartbeats, and alerts raised to supervisors when a part stops."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.common.formats import when
from apps.operations import selectors
from apps.operations.models import Alert, Heartbeat

logger = logging.getLogger(__name__)

# Stored in English on the alert (data); shown and e-mailed through the catalog.
WHAT_STOPS = {
    Heartbeat.Part.WORKER: gettext_noop(
        "The Celery worker has stopped: reminders, escalations and webhooks are not being sent."
    ),
    Heartbeat.Part.BEAT: gettext_noop(
        "The Celery beat has stopped: no sweep is scheduled, so due reminders will be missed."
    ),
    Heartbeat.Part.TASKS: gettext_noop(
        "Scheduled tasks are not running (beat, broker or worker): reminders are not going out."
    ),
    Heartbeat.Part.STREAM: gettext_noop(
        "Live stream delivery is failing (Redis): boards and tablets only catch up slowly."
    ),
}


def heartbeat_record(*, part: str, detail: str = "") -> None:
    Heartbeat.objects.update_or_create(part=part, defaults={"at": timezone.now(), "detail": detail[:200]})


def alerts_check() -> list[Alert]:
    """Raise one alert per stopped part (and mail the supervisors once), clear those that are back.

    Called by every part that is still alive (the worker's and the beat's own heartbeat threads and
    the scheduled heartbeat task), so whichever one stopped, another one notices.
    """
    stopped = selectors.parts_stopped()
    now = timezone.now()
    raised = []
    for part in Heartbeat.Part.values:
        if part in stopped:
            if Alert.objects.filter(part=part, cleared_at__isnull=True).exists():
                continue
            try:
                with transaction.atomic():
                    alert = Alert.objects.create(part=part, message=WHAT_STOPS[part], raised_at=now)
            except IntegrityError:
                continue  # another checker raised it a moment ago
            raised.append(alert)
        else:
            Alert.objects.filter(part=part, cleared_at__isnull=True).update(cleared_at=now)
    for alert in raised:
        logger.error("operations alert: %s", alert.message)
        _mail_supervisors(alert)
    return raised


def _mail_supervisors(alert: Alert) -> None:
    to = [e for e in User.objects.filter(role=Role.SUPERVISOR, is_active=True).values_list("email", flat=True) if e]
    if not to:
        return
    body = f"{_(alert.message)}\n\n" + _("Raised at %(when)s. It clears itself when the part is back.") % {
        "when": when(alert.raised_at, "long")
    }
    try:
        EmailMessage(
            subject=f"[{settings.FIRSTLINE_PROGRAM_NAME}] "
            + _("Firstline alert: %(part)s stopped") % {"part": alert.get_part_display()},
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=to,
        ).send()
    except Exception:
        logger.exception("could not e-mail the operations alert")
