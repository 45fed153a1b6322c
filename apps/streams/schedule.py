"""Periodic tasks of the streams app (merged into CELERY_BEAT_SCHEDULE by the base settings)."""

BEAT_SCHEDULE = {
    "streams-escalation-sweep": {"task": "apps.streams.tasks.assignments_escalation_sweep", "schedule": 10.0},
    "streams-prune": {"task": "apps.streams.tasks.stream_prune_old_events", "schedule": 3600.0},
}
