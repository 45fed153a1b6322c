"""Reads of the eligibility policy that other apps rely on."""

from django.conf import settings


def current_response_targets() -> dict[int, int]:
    """Minutes to reach a call, per priority, under the policy in force (board colours and countdowns)."""
    return dict(settings.FIRSTLINE_RESPONSE_TARGET_MINUTES)
