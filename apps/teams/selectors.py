from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from apps.common.geo import distance_km
from apps.teams.models import Certification, Membership, PositionReport, Shift, Team, UnitStatus


def position_stale_seconds() -> int:
    """A team position older than this is not trusted for distances (the board greys it)."""
    return int(getattr(settings, "FIRSTLINE_POSITION_STALE_SECONDS", 300))


def position_is_fresh(team: Team, *, now=None) -> bool:
    if team.last_position_at is None or team.last_latitude is None:
        return False
    return ((now or timezone.now()) - team.last_position_at).total_seconds() <= position_stale_seconds()


def team_recommend(
    *, teams, required_capabilities, latitude=None, longitude=None, preferred_capabilities=None, now=None
) -> tuple[Team | None, float | None]:
    """The nearest available team that has every capability the call type needs.

    A team that also has a preferred capability (e.g. it speaks the caller's language) ranks
    before one that does not, however near. Teams without a known position rank after every team
    with one (then by call sign), so a recommendation exists even before the first position ping.
    Only a fresh position (`position_stale_seconds`) gives a distance: an old one is "distance
    unknown", honestly. Pure: pass the teams already loaded.
    """
    now = now or timezone.now()
    needed = set(required_capabilities or [])
    preferred = set(preferred_capabilities or [])
    best: tuple | None = None
    for team in teams:
        if not team.active or team.status != UnitStatus.AVAILABLE or not needed <= set(team.capabilities or []):
            continue
        known = None not in (latitude, longitude) and position_is_fresh(team, now=now)
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


def crews_at(moments: list[tuple[int, object]]) -> list[set[int]]:
    """For each (team id, moment): who was on that team then. The members of a shift of the team
    covering the moment when one lists members; otherwise the team's memberships at that moment."""
    team_ids = {team_id for team_id, _at in moments if team_id}
    if not team_ids:
        return [set() for _ in moments]
    times = [at for _team, at in moments if at is not None]
    shifts = []
    if times:
        shifts = list(
            Shift.objects.filter(team_id__in=team_ids, starts_at__lte=max(times), ends_at__gte=min(times))
            .prefetch_related("members")
            .only("pk", "team_id", "starts_at", "ends_at")
        )
    memberships = list(
        Membership.objects.filter(team_id__in=team_ids).values("team_id", "user_id", "started_at", "ended_at")
    )
    crews = []
    for team_id, at in moments:
        if not team_id or at is None:
            crews.append(set())
            continue
        on_shift = set()
        for shift in shifts:
            if shift.team_id == team_id and shift.starts_at <= at <= shift.ends_at:
                on_shift |= {member.pk for member in shift.members.all()}
        if not on_shift:
            on_shift = {
                m["user_id"]
                for m in memberships
                if m["team_id"] == team_id and m["started_at"] <= at and (m["ended_at"] is None or m["ended_at"] > at)
            }
        crews.append(on_shift)
    return crews


def certified_on(*, user_ids, day, kinds) -> dict[int, set[str]]:
    """Each given responder's certifications of `kinds` that were valid on `day`."""
    held: dict[int, set[str]] = {}
    rows = Certification.objects.filter(responder_id__in=user_ids, kind__in=kinds, issued_on__lte=day).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=day)
    )
    for responder_id, kind in rows.values_list("responder_id", "kind"):
        held.setdefault(responder_id, set()).add(kind)
    return held


def shifts_overlapping(*, start, end) -> list[tuple]:
    """(team_id, starts_at, ends_at) of every shift that overlaps [start, end)."""
    return list(
        Shift.objects.filter(starts_at__lt=end, ends_at__gt=start).values_list("team_id", "starts_at", "ends_at")
    )


def team_call_signs() -> dict[int, str]:
    return dict(Team.objects.values_list("pk", "call_sign"))


def team_track(*, team_id: int, start, end) -> list[dict]:
    """Where the team reported being between two moments, in order (a call's track)."""
    rows = PositionReport.objects.filter(team_id=team_id, at__gte=start, at__lte=end).order_by("at")
    return [
        {"latitude": r.latitude, "longitude": r.longitude, "accuracy_m": r.accuracy_m, "at": r.at.isoformat()}
        for r in rows
    ]
