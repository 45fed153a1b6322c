"""How often the parts of an installation show they are alive, and when silence means stopped."""

from django.conf import settings


def heartbeat_seconds() -> float:
    return float(getattr(settings, "FIRSTLINE_HEARTBEAT_SECONDS", 30))


def stale_after_seconds() -> float:
    """Three missed heartbeats: one slow beat is not an alert, a stopped process is."""
    return 3 * heartbeat_seconds()
