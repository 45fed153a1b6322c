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
