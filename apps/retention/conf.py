"""How long each kind of record keeps a person's details, in days (FIRSTLINE_RETENTION_DAYS_<KIND>).

0 switches a kind off (kept for ever). The audit trail is kept longest: it is append-only and
hash-chained, so the application never deletes it; past its period it is only reported, for the
operator to archive (docs/security/disclosure-and-retention.md).
"""

import os
from datetime import timedelta

from django.conf import settings

# kind -> (default days, what happens past it)
KINDS: dict[str, tuple[int, str]] = {
    "incidents": (3 * 365, "finished calls and their encounters are de-identified"),
    "referrals": (3 * 365, "finished referrals lose their notes"),
    "followups": (3 * 365, "finished follow-ups lose their notes"),
    "intake_payloads": (90, "raw call-center documents are deleted or blanked"),
    "stream_events": (14, "live-feed events are deleted"),
    "audit": (7 * 365, "reported only: the trail is archived by the operator, never deleted here"),
}


def retention_days(kind: str) -> int:
    name = f"FIRSTLINE_RETENTION_DAYS_{kind.upper()}"
    value = getattr(settings, name, None)
    if value in (None, ""):
        value = os.environ.get(name)
    if value in (None, ""):
        if kind == "stream_events":
            return int(settings.FIRSTLINE_STREAM_RETENTION.days)
        return KINDS[kind][0]
    return int(value)


def retention_period(kind: str) -> timedelta | None:
    days = retention_days(kind)
    return timedelta(days=days) if days > 0 else None
