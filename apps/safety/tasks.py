"""Periodic work of responder safety, thin over the services."""

from celery import shared_task

from apps.safety.services import checkins_sweep


@shared_task(acks_late=True, ignore_result=True)
def checkins_overdue_sweep() -> int:
    """Start check-in clocks for teams newly on scene; alert dispatch about late check-ins."""
    return len(checkins_sweep())
