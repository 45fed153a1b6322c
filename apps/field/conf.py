"""Settings of the field app, read with defaults so the shared settings file need not change."""

from django.conf import settings


def max_batch() -> int:
    return int(getattr(settings, "FIRSTLINE_SYNC_MAX_BATCH", 1000))


def recent_encounter_hours() -> int:
    return int(getattr(settings, "FIRSTLINE_FIELD_RECENT_ENCOUNTER_HOURS", 24))


def recent_encounter_limit() -> int:
    return int(getattr(settings, "FIRSTLINE_FIELD_RECENT_ENCOUNTER_LIMIT", 30))


def disclosure_audit_seconds() -> int:
    """How long a record already disclosed to a responder by the bootstrap is not logged again."""
    return int(getattr(settings, "FIRSTLINE_FIELD_DISCLOSURE_AUDIT_SECONDS", 3600))
