"""This app's settings, read from Django settings with defaults (env overrides in config/settings)."""

import os
from datetime import timedelta

from django.conf import settings


def _int(name: str, default: int) -> int:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def sweep_seconds() -> int:
    return _int("FIRSTLINE_SWEEP_SECONDS", 30)


def grace() -> timedelta:
    """How long past due a follow-up may stay unfinished before a supervisor is told."""
    return timedelta(minutes=_int("FIRSTLINE_FOLLOWUP_GRACE_MINUTES", 24 * 60))


def sweep_batch() -> int:
    return _int("FIRSTLINE_FOLLOWUP_SWEEP_BATCH", 200)


def certification_lead() -> timedelta:
    """How far ahead of a certification's expiry its renewal follow-up falls due."""
    return timedelta(days=_int("FIRSTLINE_CERTIFICATION_LEAD_DAYS", 30))


def webhook_max_attempts() -> int:
    return _int("FIRSTLINE_WEBHOOK_MAX_ATTEMPTS", 6)


def webhook_backoff_seconds() -> int:
    """First retry delay; each later retry doubles it (30 s, 1 min, 2 min, 4 min, 8 min by default)."""
    return _int("FIRSTLINE_WEBHOOK_BACKOFF_SECONDS", 30)


def webhook_timeout_seconds() -> int:
    return _int("FIRSTLINE_WEBHOOK_TIMEOUT_SECONDS", 10)


def webhook_tolerance_seconds() -> int:
    """How old a signed request may be before a receiver rejects it as a replay."""
    return _int("FIRSTLINE_WEBHOOK_TOLERANCE_SECONDS", 300)
