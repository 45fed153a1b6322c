"""Settings of feedback, read with defaults so the shared settings file need not change."""

from django.conf import settings


def community_per_hour() -> int:
    """Messages one address may send through the public form in an hour: enough for a family
    sharing a phone or a library computer, few enough that a script gets nowhere."""
    return int(getattr(settings, "FIRSTLINE_FEEDBACK_PER_HOUR", 5))


def card_days() -> int:
    """How long a feedback card's link works after the encounter (FIRSTLINE_FEEDBACK_CARD_DAYS)."""
    return int(getattr(settings, "FIRSTLINE_FEEDBACK_CARD_DAYS", 14))


def card_answers_per_hour() -> int:
    """Answers one address may send in an hour: a shelter's shared phone or a family answering
    several cards gets through; a script guessing links does not."""
    return int(getattr(settings, "FIRSTLINE_FEEDBACK_CARD_PER_HOUR", 10))


def card_texts() -> int:
    """Text messages one card may be sent (a mistyped number deserves a second try; no more)."""
    return int(getattr(settings, "FIRSTLINE_FEEDBACK_CARD_TEXTS", 3))
