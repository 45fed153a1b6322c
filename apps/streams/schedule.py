"""Periodic tasks of the streams app (merged into Celery's beat schedule by config/celery.py)."""

BEAT_SCHEDULE = {
    "streams-prune": {"task": "apps.streams.tasks.stream_prune_old_events", "schedule": 3600.0},
}
