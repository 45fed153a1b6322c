"""The worker's and the beat's own heartbeats: a thread in each that also watches the other.

Connected from config/celery.py, so it runs in `celery worker` and `celery beat` and nowhere else.
A stopped worker cannot run a task that reports it, and a stopped beat schedules nothing, so each
process checks the heartbeats itself and raises the alert for whichever part went quiet.
"""

import logging
import threading
import time

import django
from celery.signals import beat_init, worker_ready
from django.apps import apps
from django.db import close_old_connections

logger = logging.getLogger(__name__)


def _keep_beating(part: str) -> None:
    if not apps.ready:
        django.setup()  # the beat does not set Django up by itself
    from apps.operations import conf, services  # lazy: imports models, only after the setup above

    started = time.monotonic()
    while True:
        close_old_connections()
        try:
            services.heartbeat_record(part=part)
            if time.monotonic() - started > conf.stale_after_seconds():
                services.alerts_check()  # not before every part had its chance to start
        except Exception:
            logger.exception("the %s heartbeat failed", part)
        time.sleep(conf.heartbeat_seconds())


def _start(part: str) -> None:
    threading.Thread(target=_keep_beating, args=(part,), name=f"firstline-{part}-heartbeat", daemon=True).start()


def connect_celery_signals() -> None:
    worker_ready.connect(lambda **_kwargs: _start("worker"), weak=False)
    beat_init.connect(lambda **_kwargs: _start("beat"), weak=False)
