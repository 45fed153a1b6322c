"""Beat entries for the insights rollups (plain data; merged into CELERY_BEAT_SCHEDULE by the settings).

The follow task runs every FIRSTLINE_INSIGHTS_SECONDS (default 15), so a changed call reaches the
rollups within a minute; tests set it to 1. A run left in the queue longer than one interval expires.
"""

import os

_SECONDS = float(os.environ.get("FIRSTLINE_INSIGHTS_SECONDS") or 15)

BEAT_SCHEDULE = {
    "insights-follow": {
        "task": "apps.insights.tasks.follow",
        "schedule": _SECONDS,
        "options": {"expires": max(_SECONDS, 1.0)},
    },
    "insights-refresh-recent": {
        "task": "apps.insights.tasks.refresh_recent",
        "schedule": 3600.0,
        "options": {"expires": 3600.0},
    },
}
