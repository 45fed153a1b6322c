"""Program settings this app reads, with their defaults (the lead may move them into base settings)."""

from django.conf import settings


def hsds_public() -> bool:
    """Many programs publish their directory; others keep it to signed-in users."""
    return bool(getattr(settings, "FIRSTLINE_HSDS_PUBLIC", True))


def capacity_stale_hours() -> float:
    return float(getattr(settings, "FIRSTLINE_CAPACITY_STALE_HOURS", 12))


def program_time_zone() -> str:
    return getattr(settings, "FIRSTLINE_PROGRAM_TIME_ZONE", "America/Denver")


def search_default_radius_km() -> float:
    return float(getattr(settings, "FIRSTLINE_RESOURCE_SEARCH_RADIUS_KM", 25))
