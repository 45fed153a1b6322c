"""Periodic work on assignments: escalate the ones nobody acknowledged in time."""

from celery import shared_task

from apps.common import metrics
from apps.incidents.services import assignments_escalate_overdue


@shared_task(acks_late=True, ignore_result=True)
def assignments_escalation_sweep() -> int:
    """Swept rows, not ETA tasks: every few seconds, escalate what is overdue (idempotent)."""
    escalated = len(assignments_escalate_overdue())
    metrics.escalations.labels("assignment").inc(escalated)
    return escalated
