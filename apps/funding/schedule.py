"""Beat entry for funding: the burn-rate check once a day (merged into CELERY_BEAT_SCHEDULE)."""

BEAT_SCHEDULE = {
    "funding-burn-rate-check": {
        "task": "apps.funding.tasks.burn_rate_check",
        "schedule": 24 * 3600.0,
        "options": {"expires": 3600.0},
    },
}
