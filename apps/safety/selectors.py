"""Reads about responder safety: the emergencies still open and the co-responses of calls, shaped
for the board and the tablet."""

from django.utils.translation import gettext as _

from apps.accounts.roles import can_dispatch
from apps.audit.services import audit_record
from apps.common.errors import NotFound, PermissionRefused
from apps.incidents.models import Incident
from apps.incidents.vocab import AGENCIES, CO_RESPONSE_OUTCOMES, CO_RESPONSE_REASONS
from apps.safety.models import CoResponse, Emergency


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
