"""Settings of the field app, read with defaults so the shared settings file need not change."""

from django.conf import settings


def max_batch() -> int:
    return int(getattr(settings, "FIRSTLINE_SYNC_MAX_BATCH", 1000))


def batches_at_once() -> int:
    """How many tablets' batches one process applies at the same time; the others wait their turn."""
    return max(1, int(getattr(settings, "FIRSTLINE_SYNC_BATCHES_AT_ONCE", 3)))


def turn_wait_seconds() -> float:
    """How long a batch waits for its turn before its changes are answered "try again" (kept queued)."""
    return float(getattr(settings, "FIRSTLINE_SYNC_TURN_WAIT_SECONDS", 30))


def recent_encounter_hours() -> int:
    return int(getattr(settings, "FIRSTLINE_FIELD_RECENT_ENCOUNTER_HOURS", 24))


def recent_encounter_limit() -> int:
    return int(getattr(settings, "FIRSTLINE_FIELD_RECENT_ENCOUNTER_LIMIT", 30))


def disclosure_audit_seconds() -> int:
    """How long a record already disclosed to a responder by the bootstrap is not logged again."""
    return int(getattr(settings, "FIRSTLINE_FIELD_DISCLOSURE_AUDIT_SECONDS", 3600))
