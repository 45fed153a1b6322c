"""Settings of responder safety, read with defaults so the shared settings file need not change."""

from django.conf import settings


def premise_radius_metres() -> int:
    """Prior calls this close to a call's coordinates count as the same premises."""
    return int(getattr(settings, "FIRSTLINE_PREMISE_RADIUS_METRES", 100))


def premise_months() -> int:
    """How far back premise history looks."""
    return int(getattr(settings, "FIRSTLINE_PREMISE_MONTHS", 12))


def premise_limit() -> int:
    return int(getattr(settings, "FIRSTLINE_PREMISE_LIMIT", 20))
