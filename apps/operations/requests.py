"""A request id for every request, carried into the logs and into the Celery tasks it queues.

The id comes from the proxy's X-Request-ID when it looks sane (nginx: `$request_id`), otherwise it
is made here; it is sent back in the response, put on every log record, and travels in a Celery
task header so a task's log lines name the request that queued it.
"""

import contextvars
import json
import logging
import re
import time
import uuid

from celery.signals import before_task_publish, task_postrun, task_prerun

from apps.common import metrics

HEADER = "X-Request-ID"
TASK_HEADER = "firstline_request_id"
_SANE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
current = contextvars.ContextVar("firstline_request_id", default="")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get(HEADER, "")
        request_id = offered if _SANE.match(offered) else uuid.uuid4().hex
        # Not reset on the way out: Django logs the response (a 404's warning) after the middleware
        # returns. Each ASGI request runs in its own context; a WSGI thread's next request overwrites it.
        current.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        metrics.http_requests.labels(request.method, f"{response.status_code // 100}xx").inc()
        return response


class RequestIdFilter(logging.Filter):
    """Put the current request id (or the one a task was queued with) on every record."""

    def filter(self, record):
        record.request_id = current.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for the log collector city IT already runs."""

    def format(self, record):
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or None,
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def connect_celery_signals() -> None:
    """Send the request id with every task queued during a request; restore it while the task runs."""

    @before_task_publish.connect(weak=False)
    def add_request_id(headers=None, **_kwargs):
        if headers is not None and current.get():
            headers[TASK_HEADER] = current.get()

    @task_prerun.connect(weak=False)
    def restore_request_id(task=None, **_kwargs):
        request_id = getattr(task.request, TASK_HEADER, None) or (task.request.headers or {}).get(TASK_HEADER)
        current.set(request_id or "")

    @task_postrun.connect(weak=False)
    def forget_request_id(**_kwargs):
        current.set("")
