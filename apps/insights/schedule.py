"""Beat entries for the insights rollups (plain data; merged into CELERY_BEAT_SCHEDULE by the settings).

The follow task runs every FIRSTLINE_INSIGHTS_SECONDS (default 15), so a changed call reaches the
rollups within a minute; tests set it to 1. A run left in the queue longer than one interval expires.
The publish task (every FIRSTLINE_PUBLIC_PUBLISH_SECONDS, 60) recomputes the public releases whose
rollups changed, so no reader of /transparency/ or the public API waits for the suppression.
"""

import os

_SECONDS = float(os.environ.get("FIRSTLINE_INSIGHTS_SECONDS") or 15)
_PUBLISH = float(os.environ.get("FIRSTLINE_PUBLIC_PUBLISH_SECONDS") or 60)

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
    "insights-publish": {
        "task": "apps.insights.tasks.publish",
        "schedule": _PUBLISH,
        "options": {"expires": max(_PUBLISH, 1.0)},
    },
}
