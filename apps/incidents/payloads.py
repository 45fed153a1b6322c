"""How incidents, assignments and encounters look on the wire: plain dict builders shared by REST,
the board snapshot, the tablet's bootstrap, sync results and conflicts (one shape per record; fields
are added, never renamed). Their OpenAPI description is `openapi.py`.

Words for people come in the request's language: a call type's name (CallType.shown_name) and each
timeline entry's `text` (apps/incidents/timeline.py); `recorded_text` is the entry as recorded, in English."""

from datetime import UTC, datetime

from apps.incidents.models import Assignment, Encounter, EncounterNote, EncounterVersion, Incident
from apps.incidents.states import ACTIVE_ASSIGNMENT_STATUSES
from apps.incidents.timeline import shown_text


def _iso(value):
    """In UTC, as read back from the database, whatever zone an instance still in memory carries."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.isoformat() if value else None


def assignment_payload(
    assignment: Assignment,
    *,
    team_call_sign: str | None = None,
    delivered: bool = False,
    with_incident: bool = False,
) -> dict:
    """The one shape of an assignment, wherever it is shown.

    `team_call_sign`: given by a caller that already holds the call signs (the board), so no join.
    `delivered`: add `delivered_at`, the first tablet receipt (prefetch `receipts`).
    `with_incident`: add `incident_detail`, the call itself (the tablet's working set).
    """
    data = {
        "id": assignment.pk,
        "incident": assignment.incident_id,
        "team": assignment.team_id,
        "team_call_sign": assignment.team.call_sign if team_call_sign is None else team_call_sign,
        "status": assignment.status,
        "active": assignment.status in ACTIVE_ASSIGNMENT_STATUSES,
        "version": assignment.version,
        "dispatched_at": _iso(assignment.dispatched_at),
        "acknowledged_at": _iso(assignment.acknowledged_at),
        "en_route_at": _iso(assignment.en_route_at),
        "on_scene_at": _iso(assignment.on_scene_at),
        "transport_started_at": _iso(assignment.transport_started_at),
        "at_destination_at": _iso(assignment.at_destination_at),
        "cleared_at": _iso(assignment.cleared_at),
        "cancelled_at": _iso(assignment.cancelled_at),
        "escalated_at": _iso(assignment.escalated_at),
    }
    if delivered:
        receipts = list(assignment.receipts.all())
        data["delivered_at"] = _iso(min(r.delivered_at for r in receipts)) if receipts else None
    if with_incident:
        data["incident_detail"] = incident_payload(assignment.incident)
    return data


def incident_payload(incident: Incident, *, with_related: bool = False) -> dict:
    data = {
        "id": incident.pk,
        "reference": incident.reference,
        "status": incident.status,
        "version": incident.version,
        "received_at": _iso(incident.received_at),
        "source": incident.source,
        "call_type": incident.call_type.code if incident.call_type_id else None,
        "call_type_name": incident.call_type.shown_name() if incident.call_type_id else None,
        "priority": incident.priority,
        "summary": incident.summary,
        "location_text": incident.location_text,
        "latitude": incident.latitude,
        "longitude": incident.longitude,
        "district": incident.district,
        "location_source": incident.location_source,
        "location_score": incident.location_score,
        "callback": incident.callback,
        "caller_name": incident.caller_name,
        "caller_notes": incident.caller_notes,
        "safety_notes": incident.safety_notes,
        "safety_flags": incident.safety_flags,
        "disposition": incident.disposition or None,
        "closed_at": _iso(incident.closed_at),
        "cancelled_at": _iso(incident.cancelled_at),
    }
    if with_related:
        data["assignments"] = [assignment_payload(a) for a in incident.assignments.all()]
        data["timeline"] = [
            {
                "at": _iso(entry.at),
                "kind": entry.kind,
                "text": shown_text(entry),
                "recorded_text": entry.text,
                "actor": entry.actor.username if entry.actor_id else None,
            }
            for entry in incident.timeline.all()
        ]
    return data


def encounter_version_payload(version: EncounterVersion) -> dict:
    return {
        "number": version.number,
        "people_served": version.people_served,
        "needs": version.needs,
        "services_provided": version.services_provided,
        "disposition": version.disposition,
        "followup_needed": version.followup_needed,
        "referral_needed": version.referral_needed,
        "coverage": version.coverage or None,
        "narrative": version.narrative,
        "person": version.person,
        "custom": {"version": version.form_version_id, "answers": version.answers or {}},
        "authored_by": version.authored_by.username,
        "device_time": _iso(version.device_time),
        "created_at": _iso(version.created_at),
    }


def note_payload(note: EncounterNote) -> dict:
    return {
        "id": str(note.pk),
        "text": note.text,
        "author": note.author.username,
        "created_at": _iso(note.created_at),
        "device_time": _iso(note.device_time),
    }


def encounter_payload(
    encounter: Encounter, *, all_versions: bool = False, versions: list | None = None, notes: list | None = None
) -> dict:
    """`versions` and `notes`, when the caller already holds them all (an encounter it just created),
    save reading them back."""
    if versions is None:
        versions = list(encounter.versions.select_related("authored_by").order_by("number"))
    current = versions[-1] if versions else None
    data = {
        "id": str(encounter.pk),
        "incident": encounter.incident_id,
        "assignment": encounter.assignment_id,
        "team": encounter.team_id,
        "version": encounter.current_version,
        "disposition": encounter.disposition or None,
        "created_at": _iso(encounter.created_at),
        "current": encounter_version_payload(current) if current else None,
        "notes": [note_payload(n) for n in (encounter.notes.select_related("author") if notes is None else notes)],
    }
    if all_versions:
        data["versions"] = [encounter_version_payload(v) for v in versions]
    return data
