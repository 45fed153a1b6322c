"""Writes about teams on a call: send, acknowledge, move along the state machine, cancel, reassign.

Each move also moves the team's unit status and lets the incident's status follow.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import can_dispatch
from apps.audit.services import audit_record
from apps.common.errors import ApplicationError, NotFound, PermissionRefused
from apps.incidents import timeline
from apps.incidents.models import Assignment, Incident
from apps.incidents.services.shared import (
    _assignment_event_data,
    _assignment_move,
    _check_acts_for_assignment,
    _lock_assignment,
    _lock_incident,
    _log,
    _refresh_incident_status,
)
from apps.incidents.states import (
    ASSIGNMENT_STAMPS,
    OPEN_INCIDENT_STATUSES,
    SCREENING_HOLD,
    AssignmentStatus,
    assignment_can_move,
)
from apps.streams.names import BOARD, team_stream
from apps.streams.services import streams_append
from apps.teams.models import Team, UnitStatus
from apps.teams.services import team_move


def incident_assign(*, actor, incident_id, team_id, at: datetime | None = None) -> Assignment:
    """Send a team to a call. The team must be available; the call must be open."""
    if not can_dispatch(actor):
        raise PermissionRefused(_("Only a dispatcher or supervisor can assign a team."))
    at = at or timezone.now()
    with transaction.atomic():
        incident = _lock_incident(incident_id)
        team = Team.objects.select_for_update().filter(pk=team_id).first()
        if team is None or not team.active:
            raise NotFound(_("No such team."))
        if incident.status not in OPEN_INCIDENT_STATUSES:
            raise ApplicationError(_("This call is closed or cancelled; it cannot take a team."))
        if SCREENING_HOLD in (incident.safety_flags or []):
            raise ApplicationError(
                _(
                    "Not yet safe to decide: finish screening this call (answer the safety questions, or override "
                    "with a reason) before a team is sent."
                ),
                extra={"incident": [_("Screening is not complete.")]},
            )
        if team.status != UnitStatus.AVAILABLE:
            raise ApplicationError(
                _("%(team)s is %(status)s, not available.")
                % {"team": team.call_sign, "status": team.get_status_display().lower()},
                extra={"team": [_("%(team)s is not available.") % {"team": team.call_sign}]},
            )
        assignment = Assignment(
            incident=incident, team=team, dispatched_at=at, dispatched_by=actor if actor.is_authenticated else None
        )
        try:
            with transaction.atomic():
                assignment.save()
        except IntegrityError as error:
            raise ApplicationError(_("%(team)s already has an active call.") % {"team": team.call_sign}) from error
        team_move(team=team, status=UnitStatus.ASSIGNED, actor=actor, assignment=assignment, at=at)
        _log(
            incident,
            kind="assignment.created",
            message=timeline.TEAM_DISPATCHED,
            params={"team": team.call_sign},
            actor=actor,
            assignment=assignment,
            at=at,
        )
        audit_record(
            actor=actor, action="assignment.create", obj=assignment, detail={"incident": incident.pk, "team": team.pk}
        )
        streams_append(
            streams=[BOARD, team_stream(team.pk)], kind="assignment.created", data=_assignment_event_data(assignment)
        )
        _refresh_incident_status(incident, actor=actor, at=at)
    return assignment


def assignment_acknowledge(*, actor, assignment_id, at: datetime | None = None) -> Assignment:
    """The team saw the call. Acknowledging twice is harmless."""
    at = at or timezone.now()
    with transaction.atomic():
        assignment = _lock_assignment(assignment_id)
        _check_acts_for_assignment(actor, assignment)
        if assignment.acknowledged_at is not None or assignment.status != AssignmentStatus.DISPATCHED:
            if assignment.status == AssignmentStatus.CANCELLED:
                raise ApplicationError(_("This assignment was cancelled by dispatch."))
            return assignment
        assignment.status = AssignmentStatus.ACKNOWLEDGED
        assignment.acknowledged_at = at
        assignment.version += 1
        assignment.save(update_fields=["status", "acknowledged_at", "version"])
        _log(
            assignment.incident,
            kind="assignment.acknowledged",
            message=timeline.TEAM_ACKNOWLEDGED,
            params={"team": assignment.team.call_sign},
            actor=actor,
            assignment=assignment,
            at=at,
        )
        audit_record(actor=actor, action="assignment.acknowledge", obj=assignment)
        streams_append(
            streams=[BOARD, team_stream(assignment.team_id)],
            kind="assignment.acknowledged",
            data=_assignment_event_data(assignment),
        )
    return assignment


def assignment_set_status(*, actor, assignment_id, status: str, at: datetime | None = None) -> Assignment:
    """A status tap from the field (en route, on scene, transporting, at destination, cleared)."""
    at = at or timezone.now()
    if status not in ASSIGNMENT_STAMPS or status in {AssignmentStatus.DISPATCHED, AssignmentStatus.CANCELLED}:
        raise ApplicationError(
            _("Unknown status."), extra={"status": [_("'%(status)s' is not a field status.") % {"status": status}]}
        )
    with transaction.atomic():
        assignment = _lock_assignment(assignment_id)
        _check_acts_for_assignment(actor, assignment)
        if assignment.status == status:
            return assignment
        if not assignment_can_move(assignment.status, status):
            raise ApplicationError(
                _("A team that is %(current)s cannot go to %(next)s.")
                % {
                    "current": assignment.get_status_display().lower(),
                    "next": str(AssignmentStatus(status).label).lower(),
                },
                extra={"status": [_("Not allowed from %(status)s.") % {"status": assignment.status}]},
            )
        if status == AssignmentStatus.ACKNOWLEDGED:
            return assignment_acknowledge(actor=actor, assignment_id=assignment.pk, at=at)
        _assignment_move(assignment, status=status, actor=actor, at=at)
        audit_record(actor=actor, action="assignment.status", obj=assignment, detail={"status": status})
        incident = Incident.objects.select_for_update().get(pk=assignment.incident_id)
        _refresh_incident_status(incident, actor=actor, at=at)
    return assignment


def assignment_cancel(*, actor, assignment_id, reason: str) -> Assignment:
    """Dispatch takes a team off a call (for a reassignment, or because it is not needed)."""
    if not can_dispatch(actor):
        raise PermissionRefused(_("Only a dispatcher or supervisor can cancel an assignment."))
    if not reason.strip():
        raise ApplicationError(
            _("Say why the team is taken off the call."), extra={"reason": [_("This field is required.")]}
        )
    at = timezone.now()
    with transaction.atomic():
        assignment = _lock_assignment(assignment_id)
        if not assignment_can_move(assignment.status, AssignmentStatus.CANCELLED):
            raise ApplicationError(_("Only a team that has not reached the scene can be taken off the call."))
        _assignment_move(assignment, status=AssignmentStatus.CANCELLED, actor=actor, at=at, reason=reason)
        audit_record(actor=actor, action="assignment.cancel", obj=assignment, detail={"reason": reason})
        incident = Incident.objects.select_for_update().get(pk=assignment.incident_id)
        _refresh_incident_status(incident, actor=actor, at=at)
    return assignment


def incident_reassign(*, actor, assignment_id, team_id, reason: str = "Reassigned") -> Assignment:
    """Take a team off a call and send another in one step: both happen, or neither does."""
    if not can_dispatch(actor):
        raise PermissionRefused(_("Only a dispatcher or supervisor can reassign a call."))
    reason = (reason or "").strip() or "Reassigned"
    with transaction.atomic():
        current = _lock_assignment(assignment_id)
        if current.team_id == int(team_id):
            raise ApplicationError(_("That team is already on this call."), extra={"team": [_("Choose another team.")]})
        assignment_cancel(actor=actor, assignment_id=current.pk, reason=reason)
        replacement = incident_assign(actor=actor, incident_id=current.incident_id, team_id=team_id)
    return replacement
