"""Reads about responder safety: the emergencies still open and the co-responses of calls, shaped
for the board and the tablet."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import can_dispatch
from apps.audit.services import audit_record
from apps.common.errors import NotFound, PermissionRefused
from apps.incidents.models import Incident
from apps.incidents.states import AssignmentStatus
from apps.incidents.vocab import AGENCIES, CO_RESPONSE_OUTCOMES, CO_RESPONSE_REASONS
from apps.safety import conf
from apps.safety.models import CoResponse, Emergency, SceneCheck


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


def co_response_payload(co_response: CoResponse) -> dict:
    """One co-response as the board, the tablet and the stream events show it (codes and their words)."""
    requested_by = co_response.requested_by
    return {
        "id": str(co_response.pk),
        "incident": co_response.incident_id,
        "team": co_response.team_id,
        "agency": co_response.agency,
        "agency_name": str(AGENCIES.get(co_response.agency, co_response.agency)),
        "reason": co_response.reason,
        "reason_name": str(CO_RESPONSE_REASONS.get(co_response.reason, co_response.reason)),
        "reason_text": co_response.reason_text,
        "requested_by": requested_by.get_full_name() or requested_by.username,
        "requested_via": co_response.requested_via,
        "requested_at": _iso(co_response.requested_at),
        "arrived_at": _iso(co_response.arrived_at),
        "left_at": _iso(co_response.left_at),
        "outcome": co_response.outcome,
        "outcome_name": str(CO_RESPONSE_OUTCOMES.get(co_response.outcome, "")) if co_response.outcome else "",
        "outcome_text": co_response.outcome_text,
        "version": co_response.version,
    }


def co_responses_of(incident_ids) -> dict[int, list[dict]]:
    """Each call's co-responses, oldest first, by call id (for the tablet's bootstrap and the board)."""
    found: dict[int, list[dict]] = {}
    rows = (
        CoResponse.objects.filter(incident_id__in=list(incident_ids))
        .select_related("requested_by")
        .order_by("requested_at")
    )
    for row in rows:
        found.setdefault(row.incident_id, []).append(co_response_payload(row))
    return found


def co_response_vocabulary() -> dict:
    """The lists a request is made from, in the reader's language (the board's form, the tablet's bootstrap)."""
    return {
        "agencies": [{"code": code, "name": str(name)} for code, name in AGENCIES.items()],
        "reasons": [{"code": code, "name": str(name)} for code, name in CO_RESPONSE_REASONS.items()],
        "outcomes": [{"code": code, "name": str(name)} for code, name in CO_RESPONSE_OUTCOMES.items()],
    }


def co_responses_read(*, actor, incident_id: int) -> dict:
    """A call's co-responses for dispatch (the read is audited) with the lists to ask from."""
    if not can_dispatch(actor):
        raise PermissionRefused(_("Co-responses on the board are for dispatchers and supervisors."))
    if not Incident.objects.filter(pk=incident_id).exists():
        raise NotFound(_("No such call."))
    rows = co_responses_of([incident_id]).get(incident_id, [])
    audit_record(
        actor=actor,
        action="co_response.read",
        object_type="incidents.incident",
        object_id=str(incident_id),
        detail={"co_responses": len(rows)},
    )
    return {"co_responses": rows, **co_response_vocabulary()}


def checkin_payload(check: SceneCheck) -> dict:
    """A team's on-scene check-in clock as the board, the tablet and the events show it."""
    assignment = check.assignment
    return {
        "assignment": assignment.pk,
        "team": assignment.team_id,
        "incident": assignment.incident_id,
        "due_at": check.due_at.isoformat(),
        "interval_minutes": check.interval_minutes,
        "answered_at": check.answered_at.isoformat() if check.answered_at else None,
        "overdue_at": check.overdue_at.isoformat() if check.overdue_at else None,
    }


def checkin_interval(assignment) -> int:
    """Minutes between check-ins on this call: the call type's own, else the priority's."""
    incident = assignment.incident
    return conf.checkin_minutes(
        incident.priority, incident.call_type.checkin_minutes if incident.call_type_id else None
    )


def first_check(assignment, *, now=None) -> SceneCheck:
    """The clock a team starts when it arrives (unsaved): the first answer is due one interval on."""
    minutes = checkin_interval(assignment)
    arrived = assignment.on_scene_at or now or timezone.now()
    return SceneCheck(assignment=assignment, interval_minutes=minutes, due_at=arrived + timedelta(minutes=minutes))


def scene_checks(assignments) -> dict[int, dict]:
    """The check-in clock of each assignment on scene, by id: its row, or (before the sweep has made
    one) the first due time counted from arrival."""
    on_scene = [a for a in assignments if a.status == AssignmentStatus.ON_SCENE]
    rows = {
        c.assignment_id: c
        for c in SceneCheck.objects.filter(assignment_id__in=[a.pk for a in on_scene]).select_related("assignment")
    }
    return {a.pk: checkin_payload(rows[a.pk] if a.pk in rows else first_check(a)) for a in on_scene}


def co_responses_for_rollups(*, incident_ids) -> dict[int, list[tuple]]:
    """{call id: [(agency, reason, outcome, arrived), ...]} for the aggregate rollups of apps.insights:
    codes only, no names and no free text."""
    found: dict[int, list[tuple]] = {}
    rows = (
        CoResponse.objects.filter(incident_id__in=list(incident_ids))
        .order_by("requested_at", "pk")
        .values_list("incident_id", "agency", "reason", "outcome", "arrived_at")
    )
    for incident_id, agency, reason, outcome, arrived_at in rows:
        found.setdefault(incident_id, []).append((agency, reason, outcome, arrived_at is not None))
    return found
