"""Program settings the funding app reads, with their defaults."""

from django.conf import settings


def currency() -> str:
    return getattr(settings, "FIRSTLINE_CURRENCY", "USD")


def fiscal_year_start_month() -> int:
    return int(getattr(settings, "FIRSTLINE_FISCAL_YEAR_START_MONTH", 7))


def police_minutes_per_call() -> dict[str, int]:
    """Minutes of police time a call of each type would have taken (`default` for the rest)."""
    minutes = dict(getattr(settings, "FIRSTLINE_POLICE_MINUTES_PER_CALL", {}) or {})
    minutes.setdefault("default", 90)
    return minutes
