"""Beat entries for operations (merged into CELERY_BEAT_SCHEDULE by the base settings)."""

import os

_SECONDS = float(os.environ.get("FIRSTLINE_HEARTBEAT_SECONDS") or 30)

BEAT_SCHEDULE = {
    "operations-heartbeat": {
        "task": "apps.operations.tasks.heartbeat",
        "schedule": _SECONDS,
        "options": {"expires": _SECONDS},
    },
}
