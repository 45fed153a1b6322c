"""Writes about teams: status changes (with history), positions and membership."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import can_dispatch, is_responder, is_supervisor
from apps.accounts.selectors import user_team_id
from apps.audit.services import audit_record
from apps.common.errors import ApplicationError, NotFound, PermissionRefused
from apps.streams.names import BOARD, team_stream
from apps.streams.services import streams_append
from apps.teams.models import BUSY_STATUSES, Capability, Membership, PositionReport, Team, UnitStatus, UnitStatusChange

# Statuses a team sets by hand; the others follow its assignment.
MANUAL_STATUSES = {UnitStatus.AVAILABLE, UnitStatus.OUT_OF_SERVICE, UnitStatus.OFF_DUTY}
POSITION_EVENT_MIN_SECONDS = 10


def position_event_gap() -> int:
    """Seconds between two moves the board hears of: at most 10, and never more than the tablets are
    told to report while moving (FIRSTLINE_POSITION_REPORT_SECONDS). With a faster cadence and a
    fixed 10 s, every report after the first fell inside the gap and the board never heard the team
    move again, live or after a queue sent late, until it read its snapshot anew."""
    return max(1, min(POSITION_EVENT_MIN_SECONDS, settings.FIRSTLINE_POSITION_REPORT_SECONDS))


def team_event_data(team: Team) -> dict:
    return {
        "team": team.pk,
        "call_sign": team.call_sign,
        "status": team.status,
        "status_changed_at": team.status_changed_at.isoformat() if team.status_changed_at else None,
    }


def team_move(
    *, team: Team, status: str, actor=None, assignment=None, at: datetime | None = None, note: str = ""
) -> None:
    """Put a locked team in `status`, keep the history, and tell the board and the team."""
    at = at or timezone.now()
    if team.status == status:
        return
    UnitStatusChange.objects.create(
        team=team,
        status=status,
        previous_status=team.status,
        changed_at=at,
        changed_by=actor if actor is not None and actor.is_authenticated else None,
        assignment=assignment,
        note=note[:200],
    )
    team.status = status
    team.status_changed_at = at
    team.version += 1
    team.save(update_fields=["status", "status_changed_at", "version"])
    data = team_event_data(team)
    if assignment is not None:
        data["assignment"] = assignment.pk
        data["incident"] = assignment.incident_id
    streams_append(streams=[BOARD, team_stream(team.pk)], kind="team.status", data=data)


def _may_act_for_team(actor, team_id: int) -> bool:
    if can_dispatch(actor):
        return True
    return is_responder(actor) and user_team_id(actor) == team_id


def team_set_status(*, actor, team_id: int, status: str, note: str = "") -> Team:
    """A status chosen by hand: available, out of service or off duty."""
    if status not in MANUAL_STATUSES:
        raise ApplicationError(
            _("That status follows the team's call; use the assignment's status buttons instead."),
            extra={"status": [_("Choose one of: %(allowed)s.") % {"allowed": ", ".join(sorted(MANUAL_STATUSES))}]},
        )
    if not _may_act_for_team(actor, team_id):
        raise PermissionRefused(_("You can change only your own team's status."))
    with transaction.atomic():
        team = Team.objects.select_for_update().filter(pk=team_id, active=True).first()
        if team is None:
            raise NotFound(_("No such team."))
        if team.status in BUSY_STATUSES:
            raise ApplicationError(
                _("%(team)s is working a call. Clear or cancel the assignment first.") % {"team": team.call_sign}
            )
        team_move(team=team, status=status, actor=actor, note=note)
        audit_record(actor=actor, action="team.status", obj=team, detail={"status": status, "note": note})
    return team


def team_report_position(
    *,
    actor,
    team_id: int,
    latitude: float,
    longitude: float,
    accuracy_m: float | None = None,
    at: datetime | None = None,
) -> Team:
    """Keep a position the team's tablet reported (AVL) in its history, and move the team's current
    position only when the report is newer than the one it has: a report queued offline and sent
    late is history, never a step back. The board hears of a move at most every few seconds."""
    if not _may_act_for_team(actor, team_id):
        raise PermissionRefused(_("You can report only your own team's position."))
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ApplicationError(
            _("That position is not on Earth."),
            extra={"latitude": [_("Between -90 and 90.")], "longitude": [_("Between -180 and 180.")]},
        )
    if accuracy_m is not None and accuracy_m < 0:
        raise ApplicationError(_("Accuracy is a distance."), extra={"accuracy": [_("Zero or more metres.")]})
    now = timezone.now()
    at = min(at or now, now)
    with transaction.atomic():
        team = Team.objects.select_for_update().filter(pk=team_id).first()
        if team is None:
            raise NotFound(_("No such team."))
        PositionReport.objects.create(
            team=team, latitude=latitude, longitude=longitude, accuracy_m=accuracy_m, at=at, reported_by=actor
        )
        previous = team.last_position_at
        if previous is not None and at <= previous:
            return team
        team.last_latitude, team.last_longitude, team.last_position_at = latitude, longitude, at
        team.last_position_accuracy_m = accuracy_m
        team.save(update_fields=["last_latitude", "last_longitude", "last_position_at", "last_position_accuracy_m"])
        if previous is None or (at - previous).total_seconds() >= position_event_gap():
            streams_append(
                streams=[BOARD],
                kind="team.position",
                data={
                    "team": team.pk,
                    "latitude": latitude,
                    "longitude": longitude,
                    "accuracy_m": accuracy_m,
                    "at": at.isoformat(),
                },
            )
    return team


def team_create(
    *,
    actor,
    call_sign: str,
    name: str = "",
    capabilities: list[str] | None = None,
    vehicle: str = "",
    radio: str = "",
    home_district: str = "",
) -> Team:
    if not is_supervisor(actor):
        raise PermissionRefused(_("Only a supervisor can create a team."))
    unknown = set(capabilities or []) - set(Capability.values)
    if unknown:
        raise ApplicationError(_("Unknown capabilities."), extra={"capabilities": sorted(unknown)})
    with transaction.atomic():
        team = Team(
            call_sign=call_sign.strip(),
            name=name,
            capabilities=list(capabilities or []),
            vehicle=vehicle,
            radio=radio,
            home_district=home_district,
        )
        team.full_clean()
        team.save()
        audit_record(actor=actor, action="team.create", obj=team)
    return team


def membership_set(*, actor, team: Team, user, position: str = "") -> Membership:
    """Put a responder on a team, ending any membership they had elsewhere."""
    if not is_supervisor(actor):
        raise PermissionRefused(_("Only a supervisor can change who is on a team."))
    with transaction.atomic():
        now = timezone.now()
        Membership.objects.filter(user=user, active=True).exclude(team=team).update(active=False, ended_at=now)
        membership, _created = Membership.objects.update_or_create(
            user=user, team=team, active=True, defaults={"position": position}
        )
        audit_record(actor=actor, action="team.membership", obj=membership, detail={"team": team.pk, "user": user.pk})
    return membership
