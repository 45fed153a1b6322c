"""Settings of feedback, read with defaults so the shared settings file need not change."""

from django.conf import settings


def community_per_hour() -> int:
    """Messages one address may send through the public form in an hour: enough for a family
    sharing a phone or a library computer, few enough that a script gets nowhere."""
    return int(getattr(settings, "FIRSTLINE_FEEDBACK_PER_HOUR", 5))
