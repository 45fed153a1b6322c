"""The Celery app, built from the CELERY_ settings; tasks are found in each app's tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("firstline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The request id travels into tasks; the worker and the beat each keep a heartbeat (apps/operations).
from apps.operations import processes, requests  # noqa: E402

requests.connect_celery_signals()
processes.connect_celery_signals()
