"""What the incident, assignment and encounter services share: the call log, event payloads,
row locks, who may act for an assignment, and the rule that an incident's status follows its
assignments. Only the services in this package call these; no door does.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import can_dispatch, is_responder
from apps.accounts.selectors import user_team_id
from apps.common.batching import RowBuffer
from apps.common.bulk import bulk_insert
from apps.common.errors import ApplicationError, NotFound, PermissionRefused
from apps.incidents import timeline
from apps.incidents.models import Assignment, Incident, IncidentLogEntry
from apps.incidents.states import (
    ACTIVE_ASSIGNMENT_STATUSES,
    ASSIGNMENT_STAMPS,
    FINISHED_ASSIGNMENT_STATUSES,
    OPEN_INCIDENT_STATUSES,
    SCREENING_HOLD,
    TEAM_STATUS_FOR_ASSIGNMENT,
    AssignmentStatus,
    IncidentStatus,
    incident_can_move,
)
from apps.streams.names import BOARD, team_stream
from apps.streams.services import streams_append
from apps.teams.models import Team
from apps.teams.services import team_move


def _log(
    incident: Incident | int, *, kind: str, message: str, params=None, actor=None, assignment=None, at=None, data=None
) -> None:
    """One timeline entry: one of apps.incidents.timeline's sentences and its values.

    The text is recorded in English, whatever the language of whoever acted; the sentence and its
    values are kept so each reader sees it in their own language (timeline.shown_text). `incident`
    may be the call or its id.
    """
    entry = IncidentLogEntry(
        incident_id=incident.pk if isinstance(incident, Incident) else incident,
        kind=kind,
        text=timeline.recorded_text(message, params),
        message=message,
        params=params or {},
        at=at or timezone.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        assignment=assignment,
        data=data or {},
    )
    if not _held.add(entry):
        entry.save(force_insert=True)


_held = RowBuffer("timeline", lambda entries: bulk_insert(IncidentLogEntry, entries))


@contextmanager
def timeline_batch() -> Iterator[None]:
    """Hold the timeline entries written in this block and write them in one INSERT as it ends, in
    the caller's transaction; one written inside a savepoint that rolls back is dropped with it."""
    with _held.batch():
        yield


def _incident_event_data(incident: Incident) -> dict:
    return {
        "incident": incident.pk,
        "status": incident.status,
        "priority": incident.priority,
        "call_type": incident.call_type.code if incident.call_type_id else None,
        "version": incident.version,
        "screening_complete": SCREENING_HOLD not in (incident.safety_flags or []),
    }


def _assignment_event_data(assignment: Assignment) -> dict:
    return {
        "assignment": assignment.pk,
        "incident": assignment.incident_id,
        "team": assignment.team_id,
        "status": assignment.status,
        "version": assignment.version,
    }


def _lock_incident(incident_id) -> Incident:
    incident = Incident.objects.select_for_update().filter(pk=incident_id).first()
    if incident is None:
        raise NotFound(_("No such incident."))
    return incident


def _lock_assignment(assignment_id) -> Assignment:
    assignment = Assignment.objects.select_for_update().filter(pk=assignment_id).first()
    if assignment is None:
        raise NotFound(_("No such assignment."))
    return assignment


def _check_acts_for_assignment(actor, assignment: Assignment) -> None:
    if can_dispatch(actor):
        return
    if is_responder(actor) and user_team_id(actor) == assignment.team_id:
        return
    raise PermissionRefused(_("Only the assigned team or a dispatcher can change this assignment."))


def _refresh_incident_status(incident: Incident, *, actor, at: datetime) -> None:
    """The incident's status follows its assignments: on scene, dispatched, waiting, or closed."""
    statuses = list(incident.assignments.values_list("status", flat=True))
    active = [s for s in statuses if s in ACTIVE_ASSIGNMENT_STATUSES]
    if incident.status not in OPEN_INCIDENT_STATUSES:
        return
    if any(
        s in {AssignmentStatus.ON_SCENE, AssignmentStatus.TRANSPORTING, AssignmentStatus.AT_DESTINATION} for s in active
    ):
        target = IncidentStatus.ON_SCENE
    elif active:
        target = IncidentStatus.DISPATCHED
    elif AssignmentStatus.CLEARED in statuses:
        target = IncidentStatus.CLOSED
    else:
        target = IncidentStatus.PENDING
    if target == incident.status:
        return
    if not incident_can_move(incident.status, target):
        raise ApplicationError(
            _("A call cannot go from %(current)s to %(next)s.") % {"current": incident.status, "next": target}
        )
    incident.status = target
    fields = ["status", "version", "updated_at"]
    if target == IncidentStatus.CLOSED:
        incident.closed_at = at
        latest = incident.encounters.exclude(disposition="").order_by("-created_at").first()
        if latest is not None and not incident.disposition:
            incident.disposition = latest.disposition
        fields += ["closed_at", "disposition"]
        _log(incident, kind="incident.closed", message=timeline.CALL_CLOSED_ALL_CLEARED, actor=actor, at=at)
    incident.version += 1
    incident.save(update_fields=fields)
    streams_append(streams=[BOARD], kind="incident.updated", data=_incident_event_data(incident))


def _assignment_move(assignment: Assignment, *, status: str, actor, at: datetime, reason: str = "") -> None:
    """One step of an assignment, whoever takes it: its stamp, the team's status, the timeline, the event."""
    assignment.status = status
    setattr(assignment, ASSIGNMENT_STAMPS[status], at)
    fields = ["status", ASSIGNMENT_STAMPS[status], "version"]
    if status == AssignmentStatus.CANCELLED:
        assignment.cancel_reason = reason[:200]
        fields.append("cancel_reason")
    elif status not in FINISHED_ASSIGNMENT_STATUSES and assignment.acknowledged_at is None:
        assignment.acknowledged_at = at  # moving is the clearest acknowledgement
        fields.append("acknowledged_at")
    assignment.version += 1
    assignment.save(update_fields=fields)
    team = Team.objects.select_for_update().get(pk=assignment.team_id)
    team_move(team=team, status=TEAM_STATUS_FOR_ASSIGNMENT[status], actor=actor, assignment=assignment, at=at)
    if status == AssignmentStatus.CANCELLED and reason:
        message, params = timeline.TEAM_CANCELLED_BECAUSE, {"team": team.call_sign, "reason": reason[:200]}
    else:
        message, params = timeline.TEAM_MOVED, {"team": team.call_sign, "status": status}
    _log(
        assignment.incident,
        kind=f"assignment.{status}",
        message=message,
        params=params,
        actor=actor,
        assignment=assignment,
        at=at,
    )
    streams_append(
        streams=[BOARD, team_stream(assignment.team_id)],
        kind="assignment.status",
        data=_assignment_event_data(assignment),
    )
