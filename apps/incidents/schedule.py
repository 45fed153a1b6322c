"""Periodic tasks of the incidents app (merged into Celery's beat schedule by config/celery.py)."""

BEAT_SCHEDULE = {
    "incidents-escalation-sweep": {"task": "apps.incidents.tasks.assignments_escalation_sweep", "schedule": 10.0},
}
