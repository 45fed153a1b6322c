"""The Celery app, built from the CELERY_ settings; tasks are found in each app's tasks.py, periodic
tasks in each app's schedule.py (plain data, so reading it imports no model)."""

import importlib
import importlib.util
import os

from celery import Celery
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("firstline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def installed_schedules(app_names) -> dict:
    """The BEAT_SCHEDULE entries of every installed Firstline app that declares any."""
    schedule: dict = {}
    for name in app_names:
        if name.startswith("apps.") and name.count(".") == 1 and importlib.util.find_spec(f"{name}.schedule"):
            schedule.update(importlib.import_module(f"{name}.schedule").BEAT_SCHEDULE)
    return schedule


@app.on_after_configure.connect
def _merge_app_schedules(sender, **_kwargs) -> None:
    """Runs once the settings are read (not while they load, which is when this module is imported)."""
    sender.conf.beat_schedule = {**installed_schedules(settings.INSTALLED_APPS), **sender.conf.beat_schedule}


# The request id travels into tasks; the worker and the beat each keep a heartbeat (apps/operations).
from apps.operations import processes, requests  # noqa: E402

requests.connect_celery_signals()
processes.connect_celery_signals()
