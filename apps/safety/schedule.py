"""Periodic tasks of responder safety (merged into Celery's beat schedule by config/celery.py).

The check-in sweep runs every FIRSTLINE_CHECKIN_SWEEP_SECONDS (default 15: an overdue check-in
reaches the board within the grace period plus this); tests set it to 1. A sweep left in the queue
longer than one interval expires.
"""

import os

_SECONDS = float(os.environ.get("FIRSTLINE_CHECKIN_SWEEP_SECONDS") or 15)

BEAT_SCHEDULE = {
    "safety-checkins-sweep": {
        "task": "apps.safety.tasks.checkins_overdue_sweep",
        "schedule": _SECONDS,
        "options": {"expires": max(_SECONDS, 1.0)},
    },
}
