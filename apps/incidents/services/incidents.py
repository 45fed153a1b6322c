"""Writes about the call itself: create, edit, cancel, screen out, close.

Every door's text reaches the incident through `incident_fields_checked`; nothing here sends a
team (see assignments.py).
"""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import can_create_incident, can_dispatch
from apps.audit.services import audit_record
from apps.common import callers
from apps.common.errors import ApplicationError, Conflict, PermissionRefused
from apps.incidents import timeline
from apps.incidents.models import Assignment, CallType, Disposition, Incident
from apps.incidents.payloads import incident_payload
from apps.incidents.services.shared import _assignment_move, _incident_event_data, _lock_incident, _log
from apps.incidents.states import (
    ACTIVE_ASSIGNMENT_STATUSES,
    OPEN_INCIDENT_STATUSES,
    SCREENING_HOLD,
    AssignmentStatus,
    IncidentStatus,
)
from apps.streams.names import BOARD, team_stream
from apps.streams.services import streams_append

INCIDENT_EDITABLE_FIELDS = [
    "summary",
    "location_text",
    "latitude",
    "longitude",
    "district",
    "location_source",
    "location_score",
    "callback",
    "caller_name",
    "caller_notes",
    "caller_language",
    "safety_notes",
    "safety_flags",
    "priority",
    "call_type",
]


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


def call_type_resolve(call_type) -> CallType | None:
    """The one lookup of a call type by its code, for every door: blank is none, an unknown code a 400."""
    if call_type is None or isinstance(call_type, CallType):
        return call_type
    code = str(call_type).strip()
    if not code:
        return None
    # PostgreSQL text cannot hold a NUL, so such a code cannot name a call type (and must not reach the query).
    found = CallType.objects.filter(code=code, active=True).first() if "\x00" not in code else None
    if found is None:
        raise ApplicationError(
            _("Unknown call type."), extra={"call_type": [_("No active call type '%(code)s'.") % {"code": code}]}
        )
    return found


def _coordinates_checked(latitude: float | None, longitude: float | None) -> None:
    """A point needs both halves: a latitude alone would put the person somewhere on a whole line."""
    if (latitude is None) != (longitude is None):
        raise ApplicationError(
            _("Give both latitude and longitude, or neither."),
            extra={"longitude": [_("Give both latitude and longitude, or neither.")]},
        )


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
    location_source: str = "",
    location_score: float | None = None,
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
        raise PermissionRefused(_("Only call-takers, dispatchers and supervisors can create incidents."))
    call_type = call_type_resolve(call_type)
    _coordinates_checked(latitude, longitude)
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
        raise ApplicationError(_("Say what is happening."), extra={"summary": [_("This field is required.")]})
    if not text["location_text"]:
        raise ApplicationError(_("Where is the person?"), extra={"location_text": [_("This field is required.")]})
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
        location_source=location_source,
        location_score=location_score,
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
            message=timeline.CALL_RECEIVED,
            params={"source": incident.source},
            actor=actor,
            at=incident.received_at,
        )
        audit_record(actor=actor, action="incident.create", obj=incident)
        streams_append(streams=[BOARD], kind="incident.created", data=_incident_event_data(incident))
    return incident


def incident_update(*, actor, incident_id, base_version: int | None = None, **changes: Any) -> Incident:
    """Edit the call's details; a stale `base_version` is a conflict that returns the server copy."""
    if not can_create_incident(actor):
        raise PermissionRefused(_("Only call-takers, dispatchers and supervisors can edit incidents."))
    unknown = set(changes) - set(INCIDENT_EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(
            _("Those fields cannot be edited."), extra={f: [_("Not editable.")] for f in sorted(unknown)}
        )
    changes = incident_fields_checked(changes)
    with transaction.atomic():
        incident = _lock_incident(incident_id)
        if base_version is not None and base_version != incident.version:
            raise Conflict(
                _("Someone else changed this call. Here is their version."),
                extra={"server": incident_payload(incident)},
            )
        if incident.status not in OPEN_INCIDENT_STATUSES:
            raise ApplicationError(_("This call is closed; its details can no longer change."))
        changed = {}
        for field, value in changes.items():
            if getattr(incident, field) != value:
                setattr(incident, field, value)
                changed[field] = True
        if not changed:
            return incident
        _coordinates_checked(incident.latitude, incident.longitude)
        incident.full_clean()
        incident.version += 1
        incident.save(update_fields=[*changed, "version", "updated_at"])
        _log(
            incident,
            kind="incident.updated",
            message=timeline.DETAILS_CHANGED,
            params={"fields": sorted(changed)},
            actor=actor,
        )
        audit_record(actor=actor, action="incident.update", obj=incident, detail={"fields": sorted(changed)})
        # The teams working the call see the new address or notes at once (their tablets fetch the
        # assignment record the event names), not at their next full refresh.
        working = Assignment.objects.filter(incident=incident, status__in=ACTIVE_ASSIGNMENT_STATUSES)
        streams_append(
            streams=[BOARD, *sorted({team_stream(t) for t in working.values_list("team_id", flat=True)})],
            kind="incident.updated",
            data={**_incident_event_data(incident), "fields": sorted(changed)},
        )
    return incident


def incident_cancel(*, actor, incident_id, reason: str) -> Incident:
    if not can_dispatch(actor):
        raise PermissionRefused(_("Only a dispatcher or supervisor can cancel a call."))
    if not reason.strip():
        raise ApplicationError(_("Say why the call is cancelled."), extra={"reason": [_("This field is required.")]})
    now = timezone.now()
    with transaction.atomic():
        incident = _lock_incident(incident_id)
        if incident.status not in OPEN_INCIDENT_STATUSES:
            raise ApplicationError(_("This call is already closed or cancelled."))
        for assignment in incident.assignments.select_for_update().filter(status__in=ACTIVE_ASSIGNMENT_STATUSES):
            _assignment_move(assignment, status=AssignmentStatus.CANCELLED, actor=actor, at=now, reason=reason)
        incident.refresh_from_db(fields=["status"])
        incident.status = IncidentStatus.CANCELLED
        incident.cancelled_at = now
        incident.cancel_reason = reason[:200]
        incident.version += 1
        incident.save(update_fields=["status", "cancelled_at", "cancel_reason", "version", "updated_at"])
        _log(
            incident,
            kind="incident.cancelled",
            message=timeline.CALL_CANCELLED,
            params={"reason": reason[:200]},
            actor=actor,
            at=now,
        )
        audit_record(actor=actor, action="incident.cancel", obj=incident, detail={"reason": reason})
        streams_append(streams=[BOARD], kind="incident.updated", data=_incident_event_data(incident))
    return incident


def incident_screened_out(*, actor, incident_id, reason: str) -> Incident:
    """A call held for screening turns out not to be the program's: the call-taker who screens it cancels it.

    Only a held call (never dispatched, see SCREENING_HOLD) can be cancelled this way, so a
    call-taker cannot cancel a call a team is working.
    """
    if not can_create_incident(actor):
        raise PermissionRefused(_("Only call-takers, dispatchers and supervisors can screen calls."))
    now = timezone.now()
    with transaction.atomic():
        incident = _lock_incident(incident_id)
        if SCREENING_HOLD not in (incident.safety_flags or []) or incident.status != IncidentStatus.PENDING:
            raise ApplicationError(_("Only a call still waiting for its screening can be screened out."))
        incident.status = IncidentStatus.CANCELLED
        incident.cancelled_at = now
        incident.cancel_reason = f"Screened out: {reason}"[:200]
        incident.version += 1
        incident.save(update_fields=["status", "cancelled_at", "cancel_reason", "version", "updated_at"])
        _log(
            incident,
            kind="incident.cancelled",
            message=timeline.SCREENED_OUT,
            params={"reason": reason[:200]},
            actor=actor,
            at=now,
        )
        audit_record(actor=actor, action="incident.screened_out", obj=incident, detail={"reason": reason[:300]})
        streams_append(streams=[BOARD], kind="incident.updated", data=_incident_event_data(incident))
    return incident


def incident_close(*, actor, incident_id, disposition: str) -> Incident:
    """Close a call by hand, e.g. one handled without sending a team; teams must be cleared first."""
    if not can_dispatch(actor):
        raise PermissionRefused(_("Only a dispatcher or supervisor can close a call."))
    if disposition not in Disposition.values:
        raise ApplicationError(_("Choose a disposition."), extra={"disposition": [_("Not a known disposition.")]})
    now = timezone.now()
    with transaction.atomic():
        incident = _lock_incident(incident_id)
        if incident.status not in OPEN_INCIDENT_STATUSES:
            raise ApplicationError(_("This call is already closed or cancelled."))
        if incident.assignments.filter(status__in=ACTIVE_ASSIGNMENT_STATUSES).exists():
            raise ApplicationError(_("A team is still on this call. Clear it first."))
        incident.status = IncidentStatus.CLOSED
        incident.closed_at = now
        incident.disposition = disposition
        incident.version += 1
        incident.save(update_fields=["status", "closed_at", "disposition", "version", "updated_at"])
        _log(
            incident,
            kind="incident.closed",
            message=timeline.CALL_CLOSED,
            params={"disposition": disposition},
            actor=actor,
        )
        audit_record(actor=actor, action="incident.close", obj=incident, detail={"disposition": disposition})
        streams_append(streams=[BOARD], kind="incident.updated", data=_incident_event_data(incident))
    return incident
