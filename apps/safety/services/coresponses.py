"""Another agency (police, fire, EMS) asked to a call, from the tablet or the board, and what came of it."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import can_dispatch, is_responder
from apps.accounts.selectors import user_team_id
from apps.audit.services import audit_record
from apps.common.errors import ApplicationError, Conflict, NotFound, PermissionRefused
from apps.incidents import timeline
from apps.incidents.models import Assignment, Incident
from apps.incidents.services import incident_timeline_add
from apps.safety.models import CoResponse
from apps.safety.selectors import co_response_payload
from apps.streams.names import BOARD, team_stream
from apps.streams.services import streams_append

_UNSET = object()


def _may_act_on_call(actor, incident: Incident) -> int | None:
    """Dispatch acts on any call; a responder only on a call their team was sent to. Returns the
    responder's team (None for dispatch)."""
    if can_dispatch(actor):
        return None
    team_id = user_team_id(actor) if is_responder(actor) else None
    if team_id is None or not Assignment.objects.filter(incident=incident, team_id=team_id).exists():
        raise PermissionRefused(_("Only dispatch or a team sent to this call can ask for another agency."))
    return team_id


def _co_response_timeline(co_response: CoResponse, *, message: str, params: dict, actor, at: datetime) -> None:
    incident_timeline_add(
        incident=co_response.incident,
        kind="co_response",
        message=message,
        params={"agency": co_response.agency, **params},
        actor=actor,
        at=at,
        data={"co_response": str(co_response.pk)},
    )


def _co_response_event(co_response: CoResponse, *, kind: str) -> None:
    team_ids = set(
        Assignment.objects.filter(incident_id=co_response.incident_id).values_list("team_id", flat=True).distinct()
    )
    streams = [BOARD, *(team_stream(team_id) for team_id in sorted(team_ids))]
    streams_append(streams=streams, kind=kind, data=co_response_payload(co_response))


def co_response_request(
    *,
    actor,
    co_response_id,
    incident_id: int,
    agency: str,
    reason: str,
    reason_text: str = "",
    via: str,
    at: datetime | None = None,
) -> CoResponse:
    """Police, fire or EMS asked to a call, from the tablet or the board. The same id asked again is
    the same request (the tablet's outbox may send it twice)."""
    existing = CoResponse.objects.select_related("requested_by").filter(pk=co_response_id).first()
    if existing is not None:
        if existing.requested_by_id != actor.pk or existing.incident_id != incident_id:
            raise ApplicationError(
                _("That id is already used by another request."), extra={"id": [_("Choose a new id.")]}
            )
        return existing
    if via == "board" and not can_dispatch(actor):
        raise PermissionRefused(_("The board is for dispatchers and supervisors."))
    at = at or timezone.now()
    with transaction.atomic():
        incident = Incident.objects.select_for_update().filter(pk=incident_id).first()
        if incident is None:
            raise NotFound(_("No such call."))
        team_id = _may_act_on_call(actor, incident)
        co_response = CoResponse(
            id=co_response_id,
            incident=incident,
            team_id=team_id,
            agency=agency,
            reason=reason,
            reason_text=(reason_text or "").strip(),
            requested_by=actor,
            requested_via=via,
            requested_at=at,
        )
        co_response.full_clean()
        try:
            with transaction.atomic():
                co_response.save(force_insert=True)
        except IntegrityError:
            return CoResponse.objects.select_related("requested_by").get(pk=co_response_id)
        why = co_response.reason_text if reason == "other" else reason
        _co_response_timeline(
            co_response, message=timeline.CO_RESPONSE_REQUESTED, params={"why": why}, actor=actor, at=at
        )
        audit_record(
            actor=actor,
            action="co_response.request",
            obj=co_response,
            detail={"incident": incident.pk, "agency": agency, "reason": reason, "via": via},
        )
        _co_response_event(co_response, kind="co_response.requested")
    return co_response


def co_response_update(
    *,
    actor,
    co_response_id,
    base_version: int | None = None,
    arrived_at=_UNSET,
    left_at=_UNSET,
    outcome=_UNSET,
    outcome_text=_UNSET,
    via: str = "tablet",
) -> CoResponse:
    """Arrived, left, and how it ended. A time already recorded stays (the first report wins: two
    devices saying "arrived" is one arrival); an outcome changed by someone else since `base_version`
    is a conflict that returns the server's copy, so neither version is lost."""
    if via == "board" and not can_dispatch(actor):
        raise PermissionRefused(_("The board is for dispatchers and supervisors."))
    with transaction.atomic():
        co_response = (
            CoResponse.objects.select_for_update(of=("self",))
            .select_related("incident", "requested_by")
            .filter(pk=co_response_id)
            .first()
        )
        if co_response is None:
            raise NotFound(_("No such co-response."))
        _may_act_on_call(actor, co_response.incident)
        changed: list[str] = []
        lines: list[tuple[str, dict, datetime]] = []
        now = timezone.now()
        if arrived_at is not _UNSET and arrived_at is not None and co_response.arrived_at is None:
            co_response.arrived_at = min(arrived_at, now)
            changed.append("arrived_at")
            lines.append((timeline.CO_RESPONSE_ARRIVED, {}, co_response.arrived_at))
        if left_at is not _UNSET and left_at is not None and co_response.left_at is None:
            co_response.left_at = min(left_at, now)
            changed.append("left_at")
            lines.append((timeline.CO_RESPONSE_LEFT, {}, co_response.left_at))
        new_outcome = co_response.outcome if outcome is _UNSET else (outcome or "")
        new_text = co_response.outcome_text if outcome_text is _UNSET else (outcome_text or "").strip()
        if (new_outcome, new_text) != (co_response.outcome, co_response.outcome_text):
            if base_version is not None and base_version != co_response.version and co_response.outcome:
                raise Conflict(
                    _("Someone else recorded how this ended. Here is their version."),
                    extra={"server": co_response_payload(co_response)},
                )
            co_response.outcome, co_response.outcome_text = new_outcome, new_text
            changed += ["outcome", "outcome_text"]
            if new_outcome:
                lines.append((timeline.CO_RESPONSE_OUTCOME, {"outcome": new_outcome}, now))
        if not changed:
            return co_response
        co_response.full_clean()
        co_response.version += 1
        co_response.save(update_fields=[*changed, "version", "updated_at"])
        for message, params, at in lines:
            _co_response_timeline(co_response, message=message, params=params, actor=actor, at=at)
        audit_record(actor=actor, action="co_response.update", obj=co_response, detail={"fields": sorted(set(changed))})
        _co_response_event(co_response, kind="co_response.updated")
    return co_response
