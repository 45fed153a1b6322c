"""Writes about the installation itself: heartbeats, and alerts raised to supervisors when a part stops."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.operations import selectors
from apps.operations.models import Alert, Heartbeat

logger = logging.getLogger(__name__)

WHAT_STOPS = {
    Heartbeat.Part.WORKER: "The Celery worker has stopped: reminders, escalations and webhooks are not being sent.",
    Heartbeat.Part.BEAT: "The Celery beat has stopped: no sweep is scheduled, so due reminders will be missed.",
    Heartbeat.Part.TASKS: "Scheduled tasks are not running (beat, broker or worker): reminders are not going out.",
    Heartbeat.Part.STREAM: "Live stream delivery is failing (Redis): boards and tablets only catch up slowly.",
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
    body = (
        f"{alert.message}\n\nRaised at {alert.raised_at:%Y-%m-%d %H:%M:%S} UTC. It clears itself when the part is back."
    )
    try:
        EmailMessage(
            subject=f"[{settings.FIRSTLINE_PROGRAM_NAME}] Firstline alert: {alert.get_part_display()} stopped",
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=to,
        ).send()
    except Exception:
        logger.exception("could not e-mail the operations alert")
