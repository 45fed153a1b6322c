"""Reads about responder safety: the emergencies still open, shaped for the board and the tablet."""

from apps.safety.models import Emergency


def _iso(value):
    return value.isoformat() if value else None


def emergency_payload(emergency: Emergency) -> dict:
    """One emergency as the board, the tablet and the stream events show it."""
    raised_by = emergency.raised_by
    return {
        "id": str(emergency.pk),
        "team": emergency.team_id,
        "call_sign": emergency.team.call_sign,
        "incident": emergency.incident_id,
        "incident_reference": emergency.incident.reference if emergency.incident_id else None,
        "raised_by": raised_by.get_full_name() or raised_by.username,
        "raised_at": _iso(emergency.raised_at),
        "latitude": emergency.latitude,
        "longitude": emergency.longitude,
        "accuracy_m": emergency.accuracy_m,
        "status": str(emergency.status),
        "acknowledged_at": _iso(emergency.acknowledged_at),
        "resolved_at": _iso(emergency.resolved_at),
    }


def emergencies_open() -> list[Emergency]:
    """Every emergency not yet resolved, oldest first (the board shows them all until resolved)."""
    return list(
        Emergency.objects.filter(resolved_at__isnull=True)
        .select_related("team", "incident", "raised_by")
        .order_by("raised_at")
    )
