"""Beat entry for retention: once a day (merged into CELERY_BEAT_SCHEDULE by the settings)."""

BEAT_SCHEDULE = {
    "retention-apply": {
        "task": "apps.retention.tasks.apply_retention",
        "schedule": 24 * 3600.0,
        "options": {"expires": 3600.0},
    },
}
