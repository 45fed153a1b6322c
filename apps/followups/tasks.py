"""Celery doors for follow-ups: the beat sweep and the webhook nudge. Thin: each calls the sweeps.

All tasks are idempotent (the rows they claim change state in the same transaction), so the
global acks_late / reject_on_worker_lost settings may run one twice without harm.
"""

from celery import shared_task

from apps.audit.context import access_context
from apps.audit.models import Door
from apps.followups.sweeps import sweep_all
from apps.followups.webhooks import webhooks_deliver_due


@shared_task(name="apps.followups.tasks.sweep", ignore_result=True)
def sweep() -> dict:
    with access_context(door=Door.TASK):
        return sweep_all()


@shared_task(name="apps.followups.tasks.deliver_webhooks", ignore_result=True)
def deliver_webhooks() -> int:
    with access_context(door=Door.TASK):
        return webhooks_deliver_due()
