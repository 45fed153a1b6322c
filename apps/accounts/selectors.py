from django.conf import settings

from apps.accounts.models import User


def user_team_id(user: User) -> int | None:
    if not user.is_authenticated:
        return None
    cached = getattr(user, "_firstline_team_id", "unset")
    if cached == "unset":
        cached = user.team_id_current
        user._firstline_team_id = cached
    return cached


def user_summary(user: User) -> dict:
    return {
        "id": user.pk,
        "username": user.username,
        "role": user.role,
        "team": user_team_id(user),
        "name": user.get_full_name() or user.username,
    }


def idle_limit_seconds(user: User) -> int:
    return settings.FIRSTLINE_IDLE_MINUTES.get(user.role, 60) * 60


def session_device_id(session) -> str | None:
    """The tablet a session was opened on (None for sessions opened without one)."""
    from apps.accounts.services import SESSION_DEVICE_KEY

    return session.get(SESSION_DEVICE_KEY) if session is not None else None


def session_last_active(session) -> float | None:
    from apps.accounts.services import SESSION_LAST_ACTIVE_KEY

    value = session.get(SESSION_LAST_ACTIVE_KEY) if session is not None else None
    return float(value) if value is not None else None


def devices_revoked(*, device_ids) -> set[str]:
    from apps.accounts.models import Device

    return {
        str(pk)
        for pk in Device.objects.filter(pk__in=list(device_ids), revoked_at__isnull=False).values_list("pk", flat=True)
    }
