"""Periodic work of the live backbone: escalate unacknowledged assignments, prune the log."""

from celery import shared_task
from django.utils import timezone

from apps.operations import metrics
from apps.streams import conf


@shared_task(acks_late=True, ignore_result=True)
def assignments_escalation_sweep() -> int:
    """Swept rows, not ETA tasks: every few seconds, escalate what is overdue (idempotent)."""
    from apps.incidents.services import assignments_escalate_overdue

    escalated = len(assignments_escalate_overdue())
    metrics.escalations.labels("assignment").inc(escalated)
    return escalated


@shared_task(acks_late=True, ignore_result=True)
def stream_prune_old_events() -> int:
    from apps.streams.services import stream_prune

    return stream_prune(older_than=timezone.now() - conf.retention())
