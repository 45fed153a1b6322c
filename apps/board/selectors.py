"""The dispatcher's board as one consistent snapshot, in a fixed number of queries."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Device
from apps.accounts.roles import can_dispatch
from apps.audit.services import audit_record
from apps.common import callers
from apps.common.errors import PermissionRefused
from apps.incidents.models import Assignment, AssignmentReceipt, Incident
from apps.incidents.payloads import assignment_payload
from apps.incidents.states import ACTIVE_ASSIGNMENT_STATUSES, OPEN_INCIDENT_STATUSES, SCREENING_HOLD
from apps.intake.selectors import current_response_targets
from apps.safety.selectors import emergencies_open, emergency_payload, scene_checks
from apps.streams.models import StreamCounter
from apps.streams.names import BOARD
from apps.teams.models import Team
from apps.teams.selectors import position_is_fresh, position_stale_seconds, team_recommend

MAX_INCIDENTS = 500
# A team's tablet not heard from for this long is marked on the board: it may be off the network.
TABLET_QUIET_SECONDS = 300


def _iso(value):
    return value.isoformat() if value else None


def teams_for_board() -> QuerySet[Team]:
    """Active teams with their current assignment, in one query plus one prefetch."""
    current = Assignment.objects.filter(status__in=ACTIVE_ASSIGNMENT_STATUSES).select_related(
        "incident", "incident__call_type"
    )
    return Team.objects.filter(active=True).prefetch_related(
        Prefetch("assignments", queryset=current, to_attr="current_assignments")
    )


def tablets_last_contact(teams) -> dict[int, object]:
    """The latest contact of any enrolled, unrevoked tablet of each team (sign-in, sync, check, live feed)."""
    last: dict[int, object] = {}
    rows = Device.objects.filter(team__in=[t.pk for t in teams], revoked_at__isnull=True, enrolled_at__isnull=False)
    for team_id, seen in rows.values_list("team_id", "last_seen_at"):
        if team_id not in last or (seen and (last[team_id] is None or seen > last[team_id])):
            last[team_id] = seen
    return last


def second_team_wanted(incident) -> bool:
    """A second team is recommended only when the call type asks for one (CallType.needs_second_team)."""
    return bool(incident.call_type_id and incident.call_type.needs_second_team)


def _lock_board_head() -> int:
    """Hold the board counter while reading, so no board event commits between head and snapshot."""
    counter = StreamCounter.objects.select_for_update().filter(stream=BOARD).first()
    if counter is None:
        counter, _created = StreamCounter.objects.get_or_create(stream=BOARD, defaults={"last_seq": 0})
        counter = StreamCounter.objects.select_for_update().get(stream=BOARD)
    return counter.last_seq


def _open_incidents(queryset) -> list[Incident]:
    active = Assignment.objects.filter(status__in=ACTIVE_ASSIGNMENT_STATUSES).prefetch_related(
        Prefetch("receipts", queryset=AssignmentReceipt.objects.order_by("delivered_at"))
    )
    return list(
        queryset.filter(status__in=OPEN_INCIDENT_STATUSES)
        .select_related("call_type")
        .prefetch_related(Prefetch("assignments", queryset=active, to_attr="active_assignments"))
        .order_by("priority", "received_at")[:MAX_INCIDENTS]
    )


def _incident_row(incident, *, targets: dict, teams: list, call_signs: dict, now) -> dict:
    """One call as the board's queue shows it, with the team recommended for it now."""
    target = targets.get(incident.priority)
    age = (now - incident.received_at).total_seconds()
    required = list(incident.call_type.required_capabilities or []) if incident.call_type_id else []
    language = callers.language_capabilities(incident.caller_language) if incident.caller_language else []
    staffed = bool(incident.active_assignments)
    recommended, distance = team_recommend(
        teams=teams,
        required_capabilities=required,
        latitude=incident.latitude,
        longitude=incident.longitude,
        preferred_capabilities=language,
        now=now,
    )
    if staffed and not second_team_wanted(incident):
        recommended, distance = None, None
    return {
        "id": incident.pk,
        "reference": incident.reference,
        "status": incident.status,
        "version": incident.version,
        "priority": incident.priority,
        "received_at": _iso(incident.received_at),
        "age_seconds": int(age),
        "target_minutes": target,
        "due_at": _iso(incident.received_at + timedelta(minutes=target)) if target else None,
        "call_type": incident.call_type.code if incident.call_type_id else None,
        "call_type_name": incident.call_type.shown_name() if incident.call_type_id else None,
        "required_capabilities": required,
        "summary": incident.summary[:200],
        "location_text": incident.location_text,
        "latitude": incident.latitude,
        "longitude": incident.longitude,
        "safety_flags": incident.safety_flags,
        "caller_language": incident.caller_language,
        "second_team_wanted": second_team_wanted(incident),
        "screening_complete": SCREENING_HOLD not in (incident.safety_flags or []),
        "assignments": [
            assignment_payload(a, team_call_sign=call_signs.get(a.team_id, ""), delivered=True)
            for a in incident.active_assignments
        ],
        "recommended_team": (
            {"id": recommended.pk, "call_sign": recommended.call_sign, "distance_km": distance} if recommended else None
        ),
    }


def _team_rows(teams: list, *, now) -> list[dict]:
    """Teams as the board's team list shows them: status, tablet contact, current call, position."""
    contact = tablets_last_contact(teams)
    clocks = scene_checks([team.current_assignments[0] for team in teams if team.current_assignments])
    team_rows = []
    for team in teams:
        seen = contact.get(team.pk)
        current = team.current_assignments[0] if team.current_assignments else None
        team_rows.append(
            {
                "id": team.pk,
                "call_sign": team.call_sign,
                "name": team.name,
                "status": team.status,
                "status_changed_at": _iso(team.status_changed_at),
                "seconds_in_status": int((now - team.status_changed_at).total_seconds())
                if team.status_changed_at
                else None,
                "capabilities": team.capabilities,
                "has_tablet": team.pk in contact,
                "tablet_seen_at": _iso(seen),
                "tablet_quiet": team.pk in contact
                and (seen is None or (now - seen).total_seconds() > TABLET_QUIET_SECONDS),
                "current_assignment": (
                    {
                        "id": current.pk,
                        "incident": current.incident_id,
                        "reference": current.incident.reference,
                        "status": current.status,
                        # On scene: when the team's next "All OK?" is due, and whether one is overdue.
                        "checkin": clocks.get(current.pk),
                    }
                    if current
                    else None
                ),
                "position": (
                    {
                        "latitude": team.last_latitude,
                        "longitude": team.last_longitude,
                        "at": _iso(team.last_position_at),
                        "age_seconds": int((now - team.last_position_at).total_seconds()),
                        "accuracy_m": team.last_position_accuracy_m,
                        # Too old to trust for distances: the board greys it, recommendations ignore it.
                        "stale": not position_is_fresh(team, now=now),
                    }
                    if team.last_position_at and team.last_latitude is not None
                    else None
                ),
            }
        )
    return team_rows


def _refuse_unless_dispatch(user) -> None:
    if not can_dispatch(user):
        raise PermissionRefused(_("The board is for dispatchers and supervisors."))


def board_snapshot(*, user) -> dict:
    _refuse_unless_dispatch(user)
    now = timezone.now()
    targets = {int(k): int(v) for k, v in current_response_targets().items()}
    with transaction.atomic():
        seq = _lock_board_head()
        incidents = _open_incidents(Incident.objects.all())
        teams = list(teams_for_board())
        emergencies = emergencies_open()
        audit_record(
            actor=user,
            action="board.view",
            object_type="incidents.incident",
            detail={"incidents": len(incidents), "seq": seq},
            record_ids=[i.pk for i in incidents],
        )
    call_signs = {team.pk: team.call_sign for team in teams}
    incident_rows = [_incident_row(i, targets=targets, teams=teams, call_signs=call_signs, now=now) for i in incidents]
    team_rows = _team_rows(teams, now=now)
    return {
        "seq": seq,
        "server_time": _iso(now),
        "position_stale_seconds": position_stale_seconds(),
        "response_targets": {str(k): v for k, v in sorted(targets.items())},
        "ack_limit_seconds": settings.FIRSTLINE_ACK_LIMIT_SECONDS,
        "tablet_quiet_seconds": TABLET_QUIET_SECONDS,
        "incidents": incident_rows,
        "teams": team_rows,
        # Open and acknowledged emergencies, oldest first: the alarm survives a reload until resolved.
        "emergencies": [emergency_payload(e) for e in emergencies],
    }


def board_rows(*, user, incident_ids: list[int], team_ids: list[int]) -> dict:
    """Only the rows a live event changed, shaped as in the snapshot: the board updates these instead
    of reloading the snapshot. A call no longer open is listed in `gone`. The read is audited (one
    row naming the calls shown), like the snapshot's."""
    _refuse_unless_dispatch(user)
    now = timezone.now()
    targets = {int(k): int(v) for k, v in current_response_targets().items()}
    incidents = _open_incidents(Incident.objects.filter(pk__in=incident_ids)) if incident_ids else []
    teams = list(teams_for_board())  # every team: the recommendation compares them all
    if incidents:
        audit_record(
            actor=user,
            action="board.view",
            object_type="incidents.incident",
            detail={"incidents": len(incidents), "via": "board.rows"},
            record_ids=[i.pk for i in incidents],
        )
    call_signs = {team.pk: team.call_sign for team in teams}
    shown = {i.pk for i in incidents}
    wanted_teams = set(team_ids)
    return {
        "server_time": _iso(now),
        "incidents": [
            _incident_row(i, targets=targets, teams=teams, call_signs=call_signs, now=now) for i in incidents
        ],
        "gone": sorted(set(incident_ids) - shown),
        "teams": _team_rows([t for t in teams if t.pk in wanted_teams], now=now) if wanted_teams else [],
    }
