from decimal import Decimal

from apps.common.geo import distance_km
from apps.teams.models import Shift, Team, UnitStatus


def team_recommend(
    *, teams, required_capabilities, latitude=None, longitude=None, preferred_capabilities=None
) -> tuple[Team | None, float | None]:
    """The nearest available team that has every capability the call type needs.

    A team that also has a preferred capability (e.g. it speaks the caller's language) ranks
    before one that does not, however near. Teams without a known position rank after every team
    with one (then by call sign), so a recommendation exists even before the first position ping.
    Pure: pass the teams already loaded.
    """
    needed = set(required_capabilities or [])
    preferred = set(preferred_capabilities or [])
    best: tuple | None = None
    for team in teams:
        if not team.active or team.status != UnitStatus.AVAILABLE or not needed <= set(team.capabilities or []):
            continue
        known = None not in (latitude, longitude, team.last_latitude, team.last_longitude)
        distance = distance_km(latitude, longitude, team.last_latitude, team.last_longitude) if known else None
        fits = 0 if not preferred or preferred & set(team.capabilities or []) else 1
        key = (fits, 0 if known else 1, distance or 0.0, team.call_sign)
        if best is None or key < best[0]:
            best = (key, team, distance)
    if best is None:
        return None, None
    return best[1], best[2]


def team_hours_on_shift(*, start, end):
    """Team-hours on shift inside [start, end) as a Decimal, or None when no shift is recorded at all
    (then a cost per team-hour cannot be computed honestly)."""
    if not Shift.objects.exists():
        return None
    seconds = 0.0
    for starts_at, ends_at in Shift.objects.filter(starts_at__lt=end, ends_at__gt=start).values_list(
        "starts_at", "ends_at"
    ):
        seconds += (min(ends_at, end) - max(starts_at, start)).total_seconds()
    return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.01"))
