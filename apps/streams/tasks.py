"""Periodic work of the live backbone: prune the log."""

from celery import shared_task
from django.utils import timezone

from apps.streams import conf
from apps.streams.services import stream_prune


@shared_task(acks_late=True, ignore_result=True)
def stream_prune_old_events() -> int:
    return stream_prune(older_than=timezone.now() - conf.retention())
