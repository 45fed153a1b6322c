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


# Minutes between "All OK?" check-ins while a team is on scene, per call priority; a call type may set
# its own (CallType.checkin_minutes).
DEFAULT_CHECKIN_MINUTES = {1: 15, 2: 15, 3: 15, 4: 15}


def checkin_minutes(priority: int, call_type_minutes: int | None = None) -> int:
    if call_type_minutes:
        return int(call_type_minutes)
    table = {**DEFAULT_CHECKIN_MINUTES, **getattr(settings, "FIRSTLINE_CHECKIN_MINUTES", {})}
    return int(table.get(int(priority), 15))


def checkin_grace_seconds() -> int:
    """How long past the due time a team may take to answer before the board is alerted."""
    return int(getattr(settings, "FIRSTLINE_CHECKIN_GRACE_SECONDS", 120))
