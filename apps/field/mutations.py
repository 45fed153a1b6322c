"""One handler per kind of change a tablet queues: each maps onto one service of the app that owns the
record (incidents, follow-ups, safety), which checks permission, locks, audits and appends events.

The batch around them (exactly-once bookkeeping, one result per mutation) is apps/field/services.py.
A handler never writes a record itself.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from apps.accounts.models import Device, User
from apps.accounts.selectors import user_team_id
from apps.common.errors import ApplicationError, NotFound
from apps.feedback import conf as feedback_conf
from apps.feedback.services import feedback_card_issue
from apps.field.lookups import BatchLookups
from apps.followups import services as followup_services
from apps.followups.payloads import followup_payload, referral_payload
from apps.incidents.inputs import EncounterInputSerializer, encounter_record_from
from apps.incidents.payloads import assignment_payload, encounter_payload, note_payload
from apps.incidents.services import assignment_acknowledge, assignment_set_status, encounter_add_note
from apps.incidents.states import FIELD_STATUSES
from apps.incidents.vocab import AGENCIES, CO_RESPONSE_OUTCOMES, CO_RESPONSE_REASONS
from apps.safety.selectors import checkin_payload, co_response_payload, emergency_payload
from apps.safety.services import checkin_answer, co_response_request, co_response_update, emergency_raise
from apps.teams.services import team_report_position


@dataclass
class MutationContext:
    actor: User
    device: Device
    mutation_id: Any
    record: Any
    base_version: int | None
    data: dict
    device_time: datetime | None
    lookups: BatchLookups = field(default_factory=BatchLookups)


def _validated(ctx: MutationContext, serializer_class) -> dict:
    return ctx.lookups.validated(serializer_class, ctx.data)


def _record_int(ctx: MutationContext, what: str) -> int:
    try:
        return int(str(ctx.record))
    except (TypeError, ValueError):
        raise ApplicationError(
            _("Say which %(what)s.") % {"what": what}, extra={"record": [_("Give the %(what)s id.") % {"what": what}]}
        ) from None


def _record_uuid(ctx: MutationContext, what: str) -> str:
    try:
        return str(serializers.UUIDField().to_internal_value(ctx.record))
    except serializers.ValidationError:
        raise ApplicationError(
            _("The %(what)s needs an id chosen by the tablet.") % {"what": what},
            extra={"record": [_("Must be a UUID.")]},
        ) from None


def _field_time(ctx: MutationContext, *, not_before: datetime | None) -> datetime:
    """When a tap happened: the tablet's clock if it is plausible (after dispatch, not in the future)."""
    now = timezone.now()
    moment = ctx.device_time
    if moment is None or moment > now or (not_before is not None and moment < not_before):
        return now
    return moment


# --- handlers: one per mutation type; each returns (record id, record payload) -------------------------


def _assignment_acknowledge(ctx: MutationContext) -> tuple[str, dict]:
    assignment_id = _record_int(ctx, _("assignment"))
    at = _field_time(ctx, not_before=ctx.lookups.dispatched_at(assignment_id))
    assignment = assignment_acknowledge(actor=ctx.actor, assignment_id=assignment_id, at=at)
    return str(assignment.pk), assignment_payload(assignment)


class _StatusData(serializers.Serializer):
    status = serializers.CharField(max_length=20)


def _assignment_status(ctx: MutationContext) -> tuple[str, dict]:
    assignment_id = _record_int(ctx, _("assignment"))
    data = _validated(ctx, _StatusData)
    if data["status"] not in FIELD_STATUSES:
        allowed = ", ".join(str(s) for s in FIELD_STATUSES)
        raise ApplicationError(
            _("Unknown status."), extra={"status": [_("Use one of: %(allowed)s.") % {"allowed": allowed}]}
        )
    at = _field_time(ctx, not_before=ctx.lookups.dispatched_at(assignment_id))
    assignment = assignment_set_status(actor=ctx.actor, assignment_id=assignment_id, status=data["status"], at=at)
    return str(assignment.pk), assignment_payload(assignment)


def _encounter_write(ctx: MutationContext, *, amend: bool) -> tuple[str, dict]:
    encounter_id = _record_uuid(ctx, _("encounter"))
    data = dict(ctx.data)
    data.pop("id", None)
    data.pop("base_version", None)
    if amend:
        if ctx.base_version is None:
            raise ApplicationError(
                _("Say which version was edited."), extra={"base_version": [_("Required to amend an encounter.")]}
            )
        existing = ctx.lookups.encounter(encounter_id)
        if existing is None:
            raise NotFound(_("No such encounter."))
        data.setdefault("incident", existing["incident_id"])
        data.setdefault("assignment", existing["assignment_id"])
    validated = ctx.lookups.validated(EncounterInputSerializer, data)
    validated["id"] = encounter_id
    # A create is an edit of "nothing yet": if the id already exists, that is a conflict, not a silent append.
    validated["base_version"] = ctx.base_version if amend else 0
    if validated.get("device_time") is None:
        validated["device_time"] = ctx.device_time
    version = encounter_record_from(validated, actor=ctx.actor, device=ctx.device)
    if amend:
        return encounter_id, encounter_payload(version.encounter)
    # Created by this very mutation (an existing id is a conflict): its one version and no notes yet.
    return encounter_id, encounter_payload(version.encounter, versions=[version], notes=[])


class _NoteData(serializers.Serializer):
    id = serializers.UUIDField(required=False)
    text = serializers.CharField(max_length=5000)
    device_time = serializers.DateTimeField(required=False, allow_null=True)


def _encounter_note(ctx: MutationContext) -> tuple[str, dict]:
    encounter_id = _record_uuid(ctx, _("encounter"))
    data = _validated(ctx, _NoteData)
    note = encounter_add_note(
        actor=ctx.actor,
        encounter_id=encounter_id,
        text=data["text"],
        # Without its own id the note takes the mutation's, so it too is created at most once.
        note_id=data.get("id") or ctx.mutation_id,
        device_time=data.get("device_time") or ctx.device_time,
    )
    return encounter_id, {**note_payload(note), "encounter": encounter_id}


class _FollowupCreateData(serializers.Serializer):
    kind = serializers.CharField(max_length=40)
    due_at = serializers.DateTimeField()
    team = serializers.IntegerField(required=False, allow_null=True)
    assignee = serializers.IntegerField(required=False, allow_null=True)
    encounter = serializers.UUIDField(required=False, allow_null=True)
    responder = serializers.IntegerField(required=False, allow_null=True)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


def _followup_create(ctx: MutationContext) -> tuple[str, dict]:
    followup_id = _record_uuid(ctx, _("follow-up"))
    data = _validated(ctx, _FollowupCreateData)
    followup = followup_services.followup_create(
        actor=ctx.actor,
        kind=data["kind"],
        due_at=data["due_at"],
        team_id=data.get("team"),
        assignee_id=data.get("assignee"),
        encounter_id=data.get("encounter"),
        responder_id=data.get("responder"),
        notes=data.get("notes", ""),
        followup_id=followup_id,
    )
    return str(followup.pk), followup_payload(followup)


class _FollowupCompleteData(serializers.Serializer):
    outcome = serializers.CharField(max_length=60)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    next_due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


def _followup_complete(ctx: MutationContext) -> tuple[str, dict]:
    followup_id = _record_uuid(ctx, _("follow-up"))
    data = _validated(ctx, _FollowupCompleteData)
    followup = followup_services.followup_complete(actor=ctx.actor, followup_id=followup_id, **data)
    return str(followup.pk), followup_payload(followup)


class _ReferralCreateData(serializers.Serializer):
    encounter = serializers.UUIDField()
    service = serializers.UUIDField()
    consent = serializers.DictField()
    need = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


def _referral_create(ctx: MutationContext) -> tuple[str, dict]:
    referral_id = _record_uuid(ctx, _("referral"))
    data = _validated(ctx, _ReferralCreateData)
    referral = followup_services.referral_create(
        actor=ctx.actor,
        encounter_id=data["encounter"],
        service_id=data["service"],
        consent=data["consent"],
        need=data["need"],
        notes=data["notes"],
        referral_id=referral_id,
    )
    return str(referral.pk), referral_payload(referral)


class _EmergencyData(serializers.Serializer):
    latitude = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90, default=None)
    longitude = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180, default=None)
    accuracy = serializers.FloatField(required=False, allow_null=True, min_value=0, default=None)


def _emergency_raise(ctx: MutationContext) -> tuple[str, dict]:
    """The emergency queued while offline; its id is the mutation's, so the API's earlier send is the same one."""
    data = _validated(ctx, _EmergencyData)
    emergency = emergency_raise(
        actor=ctx.actor,
        emergency_id=ctx.mutation_id,
        latitude=data["latitude"],
        longitude=data["longitude"],
        accuracy_m=data["accuracy"],
        at=_field_time(ctx, not_before=None),
    )
    return str(emergency.pk), emergency_payload(emergency)


class _CoResponseData(serializers.Serializer):
    incident = serializers.IntegerField(min_value=1)
    agency = serializers.ChoiceField(choices=list(AGENCIES))
    reason = serializers.ChoiceField(choices=list(CO_RESPONSE_REASONS))
    reason_text = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


def _co_response_request(ctx: MutationContext) -> tuple[str, dict]:
    """Police, fire or EMS asked from the tablet; the record id is chosen by the tablet."""
    co_response_id = _record_uuid(ctx, _("co-response"))
    data = _validated(ctx, _CoResponseData)
    co_response = co_response_request(
        actor=ctx.actor,
        co_response_id=co_response_id,
        incident_id=data["incident"],
        agency=data["agency"],
        reason=data["reason"],
        reason_text=data["reason_text"],
        via="tablet",
        at=_field_time(ctx, not_before=None),
    )
    return str(co_response.pk), co_response_payload(co_response)


class _CoResponseUpdateData(serializers.Serializer):
    arrived = serializers.BooleanField(required=False)
    left = serializers.BooleanField(required=False)
    outcome = serializers.ChoiceField(choices=list(CO_RESPONSE_OUTCOMES), required=False, allow_blank=True)
    outcome_text = serializers.CharField(max_length=300, required=False, allow_blank=True)


def _co_response_update(ctx: MutationContext) -> tuple[str, dict]:
    """Arrived / left (at the tap's time) and how it ended, from the tablet."""
    co_response_id = _record_uuid(ctx, _("co-response"))
    data = _validated(ctx, _CoResponseUpdateData)
    at = _field_time(ctx, not_before=None)
    changes = {key: data[key] for key in ("outcome", "outcome_text") if key in data}
    if data.get("arrived"):
        changes["arrived_at"] = at
    if data.get("left"):
        changes["left_at"] = at
    co_response = co_response_update(
        actor=ctx.actor, co_response_id=co_response_id, base_version=ctx.base_version, **changes
    )
    return str(co_response.pk), co_response_payload(co_response)


def _checkin_answer(ctx: MutationContext) -> tuple[str, dict]:
    """ "All OK" tapped on scene, at the tap's time."""
    assignment_id = _record_int(ctx, _("assignment"))
    check = checkin_answer(actor=ctx.actor, assignment_id=assignment_id, at=_field_time(ctx, not_before=None))
    return str(assignment_id), checkin_payload(check)


class _PositionData(serializers.Serializer):
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    accuracy = serializers.FloatField(required=False, allow_null=True, min_value=0, default=None)


def _position_report(ctx: MutationContext) -> tuple[str, dict]:
    """Where the tablet was at `device_time` (AVL), queued like any change and never moving the team back."""
    data = _validated(ctx, _PositionData)
    team_id = user_team_id(ctx.actor)
    if team_id is None:
        raise ApplicationError(_("You are not on a team."))
    team = team_report_position(
        actor=ctx.actor,
        team_id=team_id,
        latitude=data["latitude"],
        longitude=data["longitude"],
        accuracy_m=data["accuracy"],
        at=_field_time(ctx, not_before=None),
    )
    return str(team.pk), {"team": team.pk, "position_at": team.last_position_at.isoformat()}


class _FeedbackCardData(serializers.Serializer):
    encounter = serializers.UUIDField()
    token_hash = serializers.RegexField(r"^[0-9a-f]{64}$", max_length=64)


def feedback_card_payload(card) -> dict:
    return {
        "id": str(card.pk),
        "encounter": str(card.encounter_id),
        "issued_at": card.issued_at.isoformat(),
        "expires_at": card.expires_at.isoformat(),
        "answered": card.answered_at is not None,
    }


def _feedback_card_issue(ctx: MutationContext) -> tuple[str, dict]:
    """A feedback card offered on scene, maybe offline: the tablet drew the token and sends its digest."""
    card_id = _record_uuid(ctx, _("feedback card"))
    data = _validated(ctx, _FeedbackCardData)
    card = feedback_card_issue(
        actor=ctx.actor,
        card_id=card_id,
        encounter_id=data["encounter"],
        token_hash=data["token_hash"],
        issued_at=_field_time(ctx, not_before=timezone.now() - timedelta(days=feedback_conf.card_days())),
    )
    return str(card.pk), feedback_card_payload(card)


HANDLERS: dict[str, Callable[[MutationContext], tuple[str, dict]]] = {
    "assignment.acknowledge": _assignment_acknowledge,
    "assignment.status": _assignment_status,
    "encounter.create": lambda ctx: _encounter_write(ctx, amend=False),
    "encounter.amend": lambda ctx: _encounter_write(ctx, amend=True),
    "encounter.note": _encounter_note,
    "followup.create": _followup_create,
    "followup.complete": _followup_complete,
    "referral.create": _referral_create,
    "emergency.raise": _emergency_raise,
    "co_response.request": _co_response_request,
    "co_response.update": _co_response_update,
    "checkin.answer": _checkin_answer,
    "position.report": _position_report,
    "feedback_card.issue": _feedback_card_issue,
}
