"""Beat entries for follow-ups (plain data; merged into CELERY_BEAT_SCHEDULE by the settings).

The interval is FIRSTLINE_SWEEP_SECONDS (default 30); tests set it to 1. A sweep left in the
queue longer than one interval expires, so a slow worker is not buried under stale sweeps.
"""

import os

_SECONDS = float(os.environ.get("FIRSTLINE_SWEEP_SECONDS") or 30)

BEAT_SCHEDULE = {
    "followups-sweep": {
        "task": "apps.followups.tasks.sweep",
        "schedule": _SECONDS,
        "options": {"expires": max(_SECONDS, 1.0)},
    },
    "followups-webhooks": {
        "task": "apps.followups.tasks.deliver_webhooks",
        "schedule": _SECONDS,
        "options": {"expires": max(_SECONDS, 1.0)},
    },
}
