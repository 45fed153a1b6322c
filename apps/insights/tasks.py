"""Celery doors for the insights rollups: following the event log, the hourly refresh of the
days around today (shift hours change without an event), and publishing the public releases ahead
of their readers. Thin: each calls one service.

All are idempotent: a follow run that another holds the cursor of does nothing, refreshing a day
twice writes the same rows, and a publish run that finds another running (or nothing stale) does
nothing.
"""

from celery import shared_task

from apps.audit.context import access_context
from apps.audit.models import Door
from apps.insights.services import releases_publish, rollups_follow, rollups_refresh_recent


@shared_task(name="apps.insights.tasks.follow", ignore_result=True)
def follow() -> int:
    with access_context(door=Door.TASK):
        applied = total = rollups_follow()
        # A burst longer than one batch is caught up in the same run.
        while applied:
            applied = rollups_follow()
            total += applied
        return total


@shared_task(name="apps.insights.tasks.refresh_recent", ignore_result=True)
def refresh_recent() -> int:
    with access_context(door=Door.TASK):
        return rollups_refresh_recent()


@shared_task(name="apps.insights.tasks.publish", ignore_result=True)
def publish() -> int:
    with access_context(door=Door.TASK):
        return releases_publish()
