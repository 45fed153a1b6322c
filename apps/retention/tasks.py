"""The nightly retention run (beat: apps/retention/schedule.py)."""

from celery import shared_task

from apps.retention.services import retention_apply


@shared_task(ignore_result=True)
def apply_retention() -> dict:
    return retention_apply(door="task")
