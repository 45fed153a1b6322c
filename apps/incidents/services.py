"""Every write about incidents, assignments and encounters.

Each function checks who is acting, locks what it changes, writes, audits, appends the events the
board and tablets follow, and leaves side effects to after commit. Every door calls these.
"""

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.roles import can_create_incident, can_dispatch, is_responder, is_supervisor
from apps.accounts.selectors import user_team_id
from apps.audit.services import audit_record
from apps.common import callers
from apps.common.errors import ApplicationError, Conflict, NotFound, PermissionRefused
from apps.incidents.models import (
    Assignment,
    CallType,
    Disposition,
    Encounter,
    EncounterNote,
    EncounterVersion,
    Incident,
    IncidentLogEntry,
)
from apps.incidents.states import (
    ACTIVE_ASSIGNMENT_STATUSES,
    ASSIGNMENT_STAMPS,
    FINISHED_ASSIGNMENT_STATUSES,
    OPEN_INCIDENT_STATUSES,
    SCREENING_HOLD,
    TEAM_STATUS_FOR_ASSIGNMENT,
    AssignmentStatus,
    IncidentStatus,
    assignment_can_move,
    incident_can_move,
)
from apps.streams.names import BOARD, team_stream
from apps.streams.services import streams_append
from apps.teams.models import Team, UnitStatus
from apps.teams.services import team_move

INCIDENT_EDITABLE_FIELDS = [
    "summary",
    "location_text",
    "latitude",
    "longitude",
    "district",
    "callback",
    "caller_name",
    "caller_notes",
    "caller_language",
    "safety_notes",
    "safety_flags",
    "priority",
    "call_type",
]


# --- helpers -----------------------------------------------------------------------------------


# Every door's text reaches the incident through these bounds; callers.py says why each exists.
TEXT_BOUNDS = {
    "summary": (callers.SUMMARY_MAX, "The summary"),
    "location_text": (callers.LOCATION_MAX, "The location"),
    "caller_name": (callers.CALLER_NAME_MAX, "The caller's name"),
    "caller_notes": (callers.CALLER_NOTES_MAX, "The caller notes"),
    "safety_notes": (callers.SAFETY_NOTES_MAX, "The safety notes"),
}


def incident_fields_checked(fields: dict) -> dict:
    """The caller-facing fields made safe to store: bounded text and a callback in E.164."""
    checked = dict(fields)
    for name, (limit, label) in TEXT_BOUNDS.items():
        if name in checked and checked[name] is not None:
            checked[name] = callers.bounded(checked[name], field=name, limit=limit, label=label)
    if "callback" in checked:
        checked["callback"] = callers.callback_e164(checked["callback"])
    if "caller_language" in checked:
        checked["caller_language"] = callers.language_code(checked["caller_language"])
    return checked


def _log(incident: Incident, *, kind: str, text: str, actor=None, assignment=None, at=None, data=None) -> None:
    IncidentLogEntry.objects.create(
        incident=incident,
        kind=kind,
        text=text[:300],
        at=at or timezone.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        assignment=assignment,
        data=data or {},
    )


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
        raise NotFound("No such incident.")
    return incident


def _lock_assignment(assignment_id) -> Assignment:
    assignment = Assignment.objects.select_for_update().filter(pk=assignment_id).first()
    if assignment is None:
        raise NotFound("No such assignment.")
    return assignment


def _check_acts_for_assignment(actor, assignment: Assignment) -> None:
    if can_dispatch(actor):
        return
    if is_responder(actor) and user_team_id(actor) == assignment.team_id:
        return
    raise PermissionRefused("Only the assigned team or a dispatcher can change this assignment.")


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
        raise ApplicationError(f"An incident cannot go from {incident.status} to {target}.")
    incident.status = target
    fields = ["status", "version", "updated_at"]
    if target == IncidentStatus.CLOSED:
        incident.closed_at = at
        latest = incident.encounters.exclude(disposition="").order_by("-created_at").first()
        if latest is not None and not incident.disposition:
            incident.disposition = latest.disposition
        fields += ["closed_at", "disposition"]
        _log(incident, kind="incident.closed", text="Call closed: every team cleared.", actor=actor, at=at)
    incident.version += 1
    incident.save(update_fields=fields)
    streams_append(streams=[BOARD], kind="incident.updated", data=_incident_event_data(incident))


# --- incidents ---------------------------------------------------------------------------------


def incident_create(
    *,
    actor,
    summary: str,
    location_text: str,
    call_type: CallType | str | None = None,
    priority: int | None = None,
    source: str = "911",
    latitude: float | None = None,
    longitude: float | None = None,
    district: str = "",
    callback: str = "",
    caller_name: str = "",
    caller_notes: str = "",
    caller_language: str = "",
    safety_notes: str = "",
    safety_flags: list[str] | None = None,
    received_at: datetime | None = None,
    external_id: str = "",
) -> Incident:
    if not can_create_incident(actor):
        raise PermissionRefused("Only call-takers, dispatchers and supervisors can create incidents.")
    if isinstance(call_type, str) and call_type:
        found = CallType.objects.filter(code=call_type, active=True).first()
        if found is None:
            raise ApplicationError("Unknown call type.", extra={"call_type": [f"No active call type '{call_type}'."]})
        call_type = found
    if priority is None:
        priority = call_type.default_priority if call_type else 3
    text = incident_fields_checked(
        {
            "summary": summary,
            "location_text": location_text,
            "callback": callback,
            "caller_name": caller_name,
            "caller_notes": caller_notes,
            "caller_language": caller_language,
            "safety_notes": safety_notes,
        }
    )
    if not text["summary"]:
        raise ApplicationError("Say what is happening.", extra={"summary": ["This field is required."]})
    if not text["location_text"]:
        raise ApplicationError("Where is the person?", extra={"location_text": ["This field is required."]})
    summary, location_text, callback = text["summary"], text["location_text"], text["callback"]
    caller_name, caller_notes, safety_notes = text["caller_name"], text["caller_notes"], text["safety_notes"]
    incident = Incident(
        summary=summary,
        location_text=location_text,
        call_type=call_type or None,
        priority=priority,
        source=source,
        latitude=latitude,
        longitude=longitude,
        district=district,
        callback=callback,
        caller_name=caller_name,
        caller_notes=caller_notes,
        caller_language=text["caller_language"],
        safety_notes=safety_notes,
        safety_flags=list(safety_flags or []),
        received_at=received_at or timezone.now(),
        external_id=external_id,
        created_by=actor if actor.is_authenticated else None,
    )
    incident.full_clean()
    with transaction.atomic():
        incident.save()
        _log(
            incident,
            kind="incident.created",
            text=f"Call received from {incident.get_source_display()}.",
            actor=actor,
            at=incident.received_at,
        )
        audit_record(actor=actor, action="incident.create", obj=incident)
        streams_append(streams=[BOARD], kind="incident.created", data=_incident_event_data(incident))
    return incident


def incident_update(*, actor, incident_id, base_version: int | None = None, **changes: Any) -> Incident:
    """Edit the call's details; a stale `base_version` is a conflict that returns the server copy."""
    if not can_create_incident(actor):
        raise PermissionRefused("Only call-takers, dispatchers and supervisors can edit incidents.")
    unknown = set(changes) - set(INCIDENT_EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError("Those fields cannot be edited.", extra={f: ["Not editable."] for f in sorted(unknown)})
    changes = incident_fields_checked(changes)
    with transaction.atomic():
        incident = _lock_incident(incident_id)
        if base_version is not None and base_version != incident.version:
            from apps.incidents.serializers import incident_payload

            raise Conflict(
                "Someone else changed this call. Here is their version.", extra={"server": incident_payload(incident)}
            )
        if incident.status not in OPEN_INCIDENT_STATUSES:
            raise ApplicationError("This call is closed; its details can no longer change.")
        changed = {}
        for field, value in changes.items():
            if getattr(incident, field) != value:
                setattr(incident, field, value)
                changed[field] = True
        if not changed:
            return incident
        incident.full_clean()
        incident.version += 1
        incident.save(update_fields=[*changed, "version", "updated_at"])
        _log(incident, kind="incident.updated", text=f"Details changed: {', '.join(sorted(changed))}.", actor=actor)
        audit_record(actor=actor, action="incident.update", obj=incident, detail={"fields": sorted(changed)})
        streams_append(
            streams=[BOARD], kind="incident.updated", data={**_incident_event_data(incident), "fields": sorted(changed)}
        )
    return incident


def incident_cancel(*, actor, incident_id, reason: str) -> Incident:
    if not can_dispatch(actor):
        raise PermissionRefused("Only a dispatcher or supervisor can cancel a call.")
    if not reason.strip():
        raise ApplicationError("Say why the call is cancelled.", extra={"reason": ["This field is required."]})
    now = timezone.now()
    with transaction.atomic():
        incident = _lock_incident(incident_id)
        if incident.status not in OPEN_INCIDENT_STATUSES:
            raise ApplicationError("This call is already closed or cancelled.")
        for assignment in incident.assignments.select_for_update().filter(status__in=ACTIVE_ASSIGNMENT_STATUSES):
            _assignment_finish(assignment, status=AssignmentStatus.CANCELLED, actor=actor, at=now, reason=reason)
        incident.refresh_from_db(fields=["status"])
        incident.status = IncidentStatus.CANCELLED
        incident.cancelled_at = now
        incident.cancel_reason = reason[:200]
        incident.version += 1
        incident.save(update_fields=["status", "cancelled_at", "cancel_reason", "version", "updated_at"])
        _log(incident, kind="incident.cancelled", text=f"Call cancelled: {reason}", actor=actor, at=now)
        audit_record(actor=actor, action="incident.cancel", obj=incident, detail={"reason": reason})
        streams_append(streams=[BOARD], kind="incident.updated", data=_incident_event_data(incident))
    return incident


def incident_screened_out(*, actor, incident_id, reason: str) -> Incident:
    """A call held for screening turns out not to be the program's: the call-taker who screens it cancels it.

    Only a held call (never dispatched, see SCREENING_HOLD) can be cancelled this way, so a
    call-taker cannot cancel a call a team is working.
    """
    if not can_create_incident(actor):
        raise PermissionRefused("Only call-takers, dispatchers and supervisors can screen calls.")
    now = timezone.now()
    with transaction.atomic():
        incident = _lock_incident(incident_id)
        if SCREENING_HOLD not in (incident.safety_flags or []) or incident.status != IncidentStatus.PENDING:
            raise ApplicationError("Only a call still waiting for its screening can be screened out.")
        incident.status = IncidentStatus.CANCELLED
        incident.cancelled_at = now
        incident.cancel_reason = f"Screened out: {reason}"[:200]
        incident.version += 1
        incident.save(update_fields=["status", "cancelled_at", "cancel_reason", "version", "updated_at"])
        _log(incident, kind="incident.cancelled", text=incident.cancel_reason, actor=actor, at=now)
        audit_record(actor=actor, action="incident.screened_out", obj=incident, detail={"reason": reason[:300]})
        streams_append(streams=[BOARD], kind="incident.updated", data=_incident_event_data(incident))
    return incident


def incident_close(*, actor, incident_id, disposition: str) -> Incident:
    """Close a call by hand, e.g. one handled without sending a team; teams must be cleared first."""
    if not can_dispatch(actor):
        raise PermissionRefused("Only a dispatcher or supervisor can close a call.")
    if disposition not in Disposition.values:
        raise ApplicationError("Choose a disposition.", extra={"disposition": ["Not a known disposition."]})
    now = timezone.now()
    with transaction.atomic():
        incident = _lock_incident(incident_id)
        if incident.status not in OPEN_INCIDENT_STATUSES:
            raise ApplicationError("This call is already closed or cancelled.")
        if incident.assignments.filter(status__in=ACTIVE_ASSIGNMENT_STATUSES).exists():
            raise ApplicationError("A team is still on this call. Clear it first.")
        incident.status = IncidentStatus.CLOSED
        incident.closed_at = now
        incident.disposition = disposition
        incident.version += 1
        incident.save(update_fields=["status", "closed_at", "disposition", "version", "updated_at"])
        _log(incident, kind="incident.closed", text=f"Call closed: {incident.get_disposition_display()}.", actor=actor)
        audit_record(actor=actor, action="incident.close", obj=incident, detail={"disposition": disposition})
        streams_append(streams=[BOARD], kind="incident.updated", data=_incident_event_data(incident))
    return incident


# --- assignments -------------------------------------------------------------------------------


def incident_assign(*, actor, incident_id, team_id, at: datetime | None = None) -> Assignment:
    """Send a team to a call. The team must be available; the call must be open."""
    if not can_dispatch(actor):
        raise PermissionRefused("Only a dispatcher or supervisor can assign a team.")
    at = at or timezone.now()
    with transaction.atomic():
        incident = _lock_incident(incident_id)
        team = Team.objects.select_for_update().filter(pk=team_id).first()
        if team is None or not team.active:
            raise NotFound("No such team.")
        if incident.status not in OPEN_INCIDENT_STATUSES:
            raise ApplicationError("This call is closed or cancelled; it cannot take a team.")
        if SCREENING_HOLD in (incident.safety_flags or []):
            raise ApplicationError(
                "Not yet safe to decide: finish screening this call (answer the safety questions, or override "
                "with a reason) before a team is sent.",
                extra={"incident": ["Screening is not complete."]},
            )
        if team.status != UnitStatus.AVAILABLE:
            raise ApplicationError(
                f"{team.call_sign} is {team.get_status_display().lower()}, not available.",
                extra={"team": [f"{team.call_sign} is not available."]},
            )
        assignment = Assignment(
            incident=incident, team=team, dispatched_at=at, dispatched_by=actor if actor.is_authenticated else None
        )
        try:
            with transaction.atomic():
                assignment.save()
        except IntegrityError as error:
            raise ApplicationError(f"{team.call_sign} already has an active call.") from error
        team_move(team=team, status=UnitStatus.ASSIGNED, actor=actor, assignment=assignment, at=at)
        _log(
            incident,
            kind="assignment.created",
            text=f"{team.call_sign} dispatched.",
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
                raise ApplicationError("This assignment was cancelled by dispatch.")
            return assignment
        assignment.status = AssignmentStatus.ACKNOWLEDGED
        assignment.acknowledged_at = at
        assignment.version += 1
        assignment.save(update_fields=["status", "acknowledged_at", "version"])
        _log(
            assignment.incident,
            kind="assignment.acknowledged",
            text=f"{assignment.team.call_sign} acknowledged.",
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


def _assignment_finish(assignment: Assignment, *, status: str, actor, at: datetime, reason: str = "") -> None:
    assignment.status = status
    setattr(assignment, ASSIGNMENT_STAMPS[status], at)
    fields = ["status", ASSIGNMENT_STAMPS[status], "version"]
    if status == AssignmentStatus.CANCELLED:
        assignment.cancel_reason = reason[:200]
        fields.append("cancel_reason")
    assignment.version += 1
    assignment.save(update_fields=fields)
    team = Team.objects.select_for_update().get(pk=assignment.team_id)
    team_move(team=team, status=TEAM_STATUS_FOR_ASSIGNMENT[status], actor=actor, assignment=assignment, at=at)
    verb = "cleared" if status == AssignmentStatus.CLEARED else f"cancelled ({reason})" if reason else "cancelled"
    _log(
        assignment.incident,
        kind=f"assignment.{status}",
        text=f"{team.call_sign} {verb}.",
        actor=actor,
        assignment=assignment,
        at=at,
    )
    streams_append(
        streams=[BOARD, team_stream(assignment.team_id)],
        kind="assignment.status",
        data=_assignment_event_data(assignment),
    )


def assignment_set_status(*, actor, assignment_id, status: str, at: datetime | None = None) -> Assignment:
    """A status tap from the field (en route, on scene, transporting, at destination, cleared)."""
    at = at or timezone.now()
    if status not in ASSIGNMENT_STAMPS or status in {AssignmentStatus.DISPATCHED, AssignmentStatus.CANCELLED}:
        raise ApplicationError("Unknown status.", extra={"status": [f"'{status}' is not a field status."]})
    with transaction.atomic():
        assignment = _lock_assignment(assignment_id)
        _check_acts_for_assignment(actor, assignment)
        if assignment.status == status:
            return assignment
        if not assignment_can_move(assignment.status, status):
            raise ApplicationError(
                f"A team that is {assignment.get_status_display().lower()} cannot go to "
                f"{AssignmentStatus(status).label.lower()}.",
                extra={"status": [f"Not allowed from {assignment.status}."]},
            )
        if status == AssignmentStatus.ACKNOWLEDGED:
            return assignment_acknowledge(actor=actor, assignment_id=assignment.pk, at=at)
        if status in FINISHED_ASSIGNMENT_STATUSES:
            _assignment_finish(assignment, status=status, actor=actor, at=at)
        else:
            if assignment.acknowledged_at is None:
                assignment.acknowledged_at = at  # moving is the clearest acknowledgement
            assignment.status = status
            setattr(assignment, ASSIGNMENT_STAMPS[status], at)
            assignment.version += 1
            assignment.save(update_fields=["status", ASSIGNMENT_STAMPS[status], "acknowledged_at", "version"])
            team = Team.objects.select_for_update().get(pk=assignment.team_id)
            team_move(team=team, status=TEAM_STATUS_FOR_ASSIGNMENT[status], actor=actor, assignment=assignment, at=at)
            _log(
                assignment.incident,
                kind=f"assignment.{status}",
                text=f"{team.call_sign} {AssignmentStatus(status).label.lower()}.",
                actor=actor,
                assignment=assignment,
                at=at,
            )
            streams_append(
                streams=[BOARD, team_stream(assignment.team_id)],
                kind="assignment.status",
                data=_assignment_event_data(assignment),
            )
        audit_record(actor=actor, action="assignment.status", obj=assignment, detail={"status": status})
        incident = Incident.objects.select_for_update().get(pk=assignment.incident_id)
        _refresh_incident_status(incident, actor=actor, at=at)
    return assignment


def assignment_cancel(*, actor, assignment_id, reason: str) -> Assignment:
    """Dispatch takes a team off a call (for a reassignment, or because it is not needed)."""
    if not can_dispatch(actor):
        raise PermissionRefused("Only a dispatcher or supervisor can cancel an assignment.")
    if not reason.strip():
        raise ApplicationError("Say why the team is taken off the call.", extra={"reason": ["This field is required."]})
    at = timezone.now()
    with transaction.atomic():
        assignment = _lock_assignment(assignment_id)
        if not assignment_can_move(assignment.status, AssignmentStatus.CANCELLED):
            raise ApplicationError("Only a team that has not reached the scene can be taken off the call.")
        _assignment_finish(assignment, status=AssignmentStatus.CANCELLED, actor=actor, at=at, reason=reason)
        audit_record(actor=actor, action="assignment.cancel", obj=assignment, detail={"reason": reason})
        incident = Incident.objects.select_for_update().get(pk=assignment.incident_id)
        _refresh_incident_status(incident, actor=actor, at=at)
    return assignment


# --- encounters --------------------------------------------------------------------------------


def _check_documents_incident(actor, incident: Incident, assignment: Assignment | None) -> None:
    if is_supervisor(actor):
        return
    team_id = user_team_id(actor)
    if is_responder(actor) and team_id is not None:
        if assignment is not None and assignment.team_id == team_id:
            return
        if assignment is None and incident.assignments.filter(team_id=team_id).exists():
            return
    raise PermissionRefused("Only the team assigned to this call can document it.")


def encounter_record(
    *,
    actor,
    incident_id,
    disposition: str,
    encounter_id=None,
    assignment_id=None,
    base_version: int | None = None,
    people_served: int = 1,
    needs: list[str] | None = None,
    services_provided: list[str] | None = None,
    followup_needed: bool = False,
    referral_needed: bool = False,
    narrative: str = "",
    person: dict | None = None,
    device=None,
    device_time: datetime | None = None,
) -> EncounterVersion:
    """Write a new version of an encounter (creating it on first write). Nothing is overwritten.

    `base_version` is the version the author edited; if someone wrote a newer one meanwhile the
    call is a conflict carrying the server's copy, so both can be shown.
    """
    if disposition not in Disposition.values:
        raise ApplicationError("Choose how the encounter ended.", extra={"disposition": ["Not a known disposition."]})
    with transaction.atomic():
        incident = Incident.objects.filter(pk=incident_id).first()
        if incident is None:
            raise NotFound("No such incident.")
        assignment = None
        if assignment_id is not None:
            assignment = Assignment.objects.filter(pk=assignment_id, incident=incident).first()
            if assignment is None:
                raise ApplicationError(
                    "That assignment is not part of this call.", extra={"assignment": ["Not on this call."]}
                )
        _check_documents_incident(actor, incident, assignment)
        encounter = None
        if encounter_id is not None:
            encounter = Encounter.objects.select_for_update().filter(pk=encounter_id).first()
        if encounter is None:
            encounter = Encounter(
                incident=incident,
                assignment=assignment,
                created_by=actor,
                team_id=assignment.team_id if assignment else user_team_id(actor),
            )
            if encounter_id is not None:
                encounter.id = encounter_id
            encounter.save(force_insert=True)
            encounter = Encounter.objects.select_for_update().get(pk=encounter.pk)
        elif encounter.incident_id != incident.pk:
            raise ApplicationError("That encounter belongs to another call.", extra={"incident": ["Mismatch."]})
        if base_version is not None and base_version != encounter.current_version:
            from apps.incidents.serializers import encounter_payload

            raise Conflict(
                "This encounter was updated on another device. Both versions are shown.",
                extra={"server": encounter_payload(encounter)},
            )
        version = EncounterVersion(
            encounter=encounter,
            number=encounter.current_version + 1,
            people_served=people_served,
            needs=list(needs or []),
            services_provided=list(services_provided or []),
            disposition=disposition,
            followup_needed=followup_needed,
            referral_needed=referral_needed,
            narrative=narrative,
            person=dict(person or {}),
            authored_by=actor,
            device=device,
            device_time=device_time,
        )
        version.full_clean(exclude=["encounter", "authored_by"])
        version.save()
        encounter.current_version = version.number
        encounter.disposition = disposition
        encounter.save(update_fields=["current_version", "disposition"])
        _log(
            incident,
            kind="encounter.recorded",
            text=f"Encounter documented (version {version.number}).",
            actor=actor,
            data={"encounter": str(encounter.pk), "version": version.number},
        )
        audit_record(actor=actor, action="encounter.write", obj=encounter, detail={"version": version.number})
        streams = [BOARD] + ([team_stream(encounter.team_id)] if encounter.team_id else [])
        streams_append(
            streams=streams,
            kind="encounter.recorded",
            data={"encounter": str(encounter.pk), "incident": incident.pk, "version": version.number},
        )
        # Program rules (e.g. "referred → check in within 48 h") run once the version is committed.
        from apps.followups.services import followups_on_encounter_recorded

        version_id = version.pk
        transaction.on_commit(lambda: followups_on_encounter_recorded(encounter_version_id=version_id))
    return version


def encounter_add_note(
    *, actor, encounter_id, text: str, note_id=None, device_time: datetime | None = None
) -> EncounterNote:
    text = (text or "").strip()
    if not text:
        raise ApplicationError("The note is empty.", extra={"text": ["This field is required."]})
    with transaction.atomic():
        encounter = Encounter.objects.select_related("incident", "assignment").filter(pk=encounter_id).first()
        if encounter is None:
            raise NotFound("No such encounter.")
        _check_documents_incident(actor, encounter.incident, encounter.assignment)
        note = EncounterNote(encounter=encounter, author=actor, text=text, device_time=device_time)
        if note_id is not None:
            note.id = note_id
        note.save(force_insert=True)
        _log(
            encounter.incident,
            kind="encounter.note",
            text="Note added to an encounter.",
            actor=actor,
            data={"encounter": str(encounter.pk), "note": str(note.pk)},
        )
        audit_record(actor=actor, action="encounter.note", obj=encounter, detail={"note": str(note.pk)})
    return note


# --- reassignment and escalation (live dispatch) -----------------------------------------------


def incident_reassign(*, actor, assignment_id, team_id, reason: str = "Reassigned") -> Assignment:
    """Take a team off a call and send another in one step: both happen, or neither does."""
    if not can_dispatch(actor):
        raise PermissionRefused("Only a dispatcher or supervisor can reassign a call.")
    reason = (reason or "").strip() or "Reassigned"
    with transaction.atomic():
        current = _lock_assignment(assignment_id)
        if current.team_id == int(team_id):
            raise ApplicationError("That team is already on this call.", extra={"team": ["Choose another team."]})
        assignment_cancel(actor=actor, assignment_id=current.pk, reason=reason)
        replacement = incident_assign(actor=actor, incident_id=current.incident_id, team_id=team_id)
    return replacement


def assignments_escalate_overdue(*, now: datetime | None = None, limit: int = 100) -> list[int]:
    """Alert the board about every dispatched assignment nobody on the team acknowledged in time.

    Rows are claimed with SKIP LOCKED, so two sweeps running at once never escalate a row twice,
    and `escalated_at` makes the sweep idempotent. Returns the ids it escalated.
    """
    from datetime import timedelta

    from django.conf import settings

    now = now or timezone.now()
    limit_seconds = settings.FIRSTLINE_ACK_LIMIT_SECONDS
    cutoff = now - timedelta(seconds=limit_seconds)
    escalated: list[int] = []
    with transaction.atomic():
        overdue = list(
            Assignment.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("team")
            .filter(
                status=AssignmentStatus.DISPATCHED,
                acknowledged_at__isnull=True,
                escalated_at__isnull=True,
                dispatched_at__lte=cutoff,
            )
            .order_by("dispatched_at")[:limit]
        )
        for assignment in overdue:
            assignment.escalated_at = now
            assignment.version += 1
            assignment.save(update_fields=["escalated_at", "version"])
            _log(
                assignment.incident,
                kind="assignment.escalated",
                text=f"{assignment.team.call_sign} has not acknowledged after {limit_seconds} seconds.",
                assignment=assignment,
                at=now,
            )
            audit_record(
                actor=None,
                action="assignment.escalate",
                obj=assignment,
                detail={"limit_seconds": limit_seconds},
            )
            streams_append(
                streams=[BOARD],
                kind="assignment.escalated",
                data={
                    **_assignment_event_data(assignment),
                    "escalated_at": now.isoformat(),
                    "dispatched_at": assignment.dispatched_at.isoformat(),
                },
            )
            escalated.append(assignment.pk)
    return escalated
