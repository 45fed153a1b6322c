"""Screening a call and acting on it: an incident, a held call completed, or a handback.

Incidents are created and changed only through apps.incidents.services; this module never writes
an Incident row itself. Each function writes inside one transaction, audits, and appends its
board event in the same transaction.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import can_create_incident
from apps.audit.services import audit_record
from apps.common import callers
from apps.common.errors import ApplicationError, NotFound, PermissionRefused
from apps.incidents.models import CallType, Incident, Source
from apps.incidents.services import (
    call_type_resolve,
    incident_create,
    incident_fields_checked,
    incident_screened_out,
    incident_update,
)
from apps.incidents.states import OPEN_INCIDENT_STATUSES, SCREENING_HOLD
from apps.intake.models import CallCenter, CenterKind, Channel, EidoDocument, ResponseType, ScreeningDecision, UnmetNeed
from apps.intake.selectors import policy_in_force
from apps.intake.services.duplicates import _flag_duplicates
from apps.intake.services.handbacks import handback_create
from apps.intake.services.locations import call_location
from apps.intake.services.screening import Evaluation, screening_evaluate
from apps.streams.names import BOARD
from apps.streams.services import streams_append
from apps.teams.models import Team, UnitStatus

OVERRIDE_REASON_MAX = 300
HANDBACK_RESPONSES = {ResponseType.NOT_ELIGIBLE, ResponseType.CO_RESPONSE_POLICE, ResponseType.SECONDARY}
SOURCE_FOR_CENTER = {
    CenterKind.NINE_ONE_ONE: Source.NINE_ONE_ONE,
    CenterKind.NINE_EIGHT_EIGHT: Source.NINE_EIGHT_EIGHT,
    CenterKind.TWO_ONE_ONE: Source.TWO_ONE_ONE,
    CenterKind.THREE_ONE_ONE: Source.THREE_ONE_ONE,
}


def call_screen(
    *,
    actor,
    answers: dict,
    call_type,
    location_text: str,
    summary: str,
    override: str | None = None,
    override_reason: str = "",
    channel: str = Channel.SCREEN,
    call_center: CallCenter | None = None,
    source: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    callback: str = "",
    caller_name: str = "",
    caller_notes: str = "",
    caller_language: str = "",
    received_at: datetime | None = None,
    external_id: str = "",
    held_incident_id=None,
    location_picked: bool = False,
) -> ScreeningDecision:
    """Screen a call under the policy in force and act on it: an incident, or a not-eligible handback.

    The decision stores the answers, the policy version, who decided and when, the recommendation
    and any override with its reason, so the policy can later be checked against what happened.
    A call whose critical safety questions are unanswered is not yet safe to decide: it is screened
    in only with an explicit override and its reason. `held_incident_id` completes the screening of
    a call already on the board but held back from dispatch (an EIDO from a call center).
    """
    if not can_create_incident(actor):
        raise PermissionRefused(_("Only call-takers, dispatchers and supervisors can screen calls."))
    version = policy_in_force()
    if version is None:
        raise ApplicationError(_("No eligibility policy is published yet. A supervisor publishes one in the admin."))
    call_type = call_type_resolve(call_type)
    if call_type is None:
        raise ApplicationError(_("Choose the call type."), extra={"call_type": [_("This field is required.")]})
    text = incident_fields_checked(
        {
            "summary": summary or "",
            "location_text": location_text or "",
            "callback": callback,
            "caller_name": caller_name,
            "caller_notes": caller_notes,
            "caller_language": caller_language,
        }
    )
    override_reason = callers.bounded(
        override_reason, field="override_reason", limit=OVERRIDE_REASON_MAX, label=_("The override reason")
    )
    evaluation = screening_evaluate(version=version, call_type=call_type, answers=answers or {})
    response_type, overridden, override_reason = _response_after_override(evaluation, override, override_reason)
    if response_type != ResponseType.NOT_ELIGIBLE and not text["location_text"]:
        raise ApplicationError(_("Where is the person?"), extra={"location_text": [_("This field is required.")]})
    if source is None:
        source = SOURCE_FOR_CENTER.get(call_center.kind, Source.NINE_ONE_ONE) if call_center else Source.NINE_ONE_ONE
    now = timezone.now()
    with transaction.atomic():
        held = _held_incident(held_incident_id) if held_incident_id is not None else None
        incident = held
        yes_reasons = [r for r in evaluation.reasons[1:] if not r.startswith(("Not yet safe", "Not asked"))]
        if overridden and not evaluation.safe_to_decide:
            yes_reasons.append(f"Screened in without answers to {', '.join(evaluation.unanswered_critical)}")
        details = {
            "summary": text["summary"] or call_type.name,
            "location_text": text["location_text"],
            "call_type": call_type,
            "priority": evaluation.priority,
            **call_location(
                location_text=text["location_text"], latitude=latitude, longitude=longitude, picked=location_picked
            ),
            "callback": text["callback"],
            "caller_name": text["caller_name"],
            "caller_language": text["caller_language"],
            "safety_notes": "; ".join(yes_reasons)[: callers.SAFETY_NOTES_MAX],
            "safety_flags": evaluation.flags,
        }
        if held is not None and not location_picked and (latitude, longitude) == (held.latitude, held.longitude):
            # The page sent back the coordinates the held call already had: they keep their origin.
            details.update(location_source=held.location_source, location_score=held.location_score)
        if held is not None and response_type == ResponseType.NOT_ELIGIBLE:
            incident_screened_out(
                actor=actor,
                incident_id=held.pk,
                reason=_handback_reason(response_type, evaluation, override_reason if overridden else ""),
            )
        elif held is not None:
            if text["caller_notes"]:
                details["caller_notes"] = text["caller_notes"]
            incident = incident_update(actor=actor, incident_id=held.pk, **details)
        elif response_type != ResponseType.NOT_ELIGIBLE:
            incident = incident_create(
                actor=actor,
                source=source,
                caller_notes=text["caller_notes"],
                received_at=received_at,
                external_id=external_id[:200],
                **details,
            )
        decision = ScreeningDecision(
            policy_version=version,
            call_type=call_type,
            channel=channel,
            call_center=call_center,
            answers=evaluation.answers,
            recommended=evaluation.response_type,
            response_type=response_type,
            reasons=evaluation.reasons,
            priority=evaluation.priority,
            overridden=overridden,
            override_reason=override_reason if overridden else "",
            incident=incident,
            location_text=text["location_text"],
            summary=text["summary"],
            decided_by=actor,
            decided_at=now,
        )
        decision.save()
        if held is not None:
            EidoDocument.objects.filter(incident=held, decision__isnull=True).update(decision=decision)
        unmet = None
        duplicates = []
        if incident is not None and response_type != ResponseType.NOT_ELIGIBLE:
            if not Team.objects.filter(active=True, status=UnitStatus.AVAILABLE).exists():
                unmet = UnmetNeed.objects.create(
                    decision=decision, incident=incident, call_type=call_type, recorded_at=now
                )
            if held is None:
                duplicates = _flag_duplicates(incident)
        if response_type in HANDBACK_RESPONSES:
            handback_create(
                actor=actor,
                reason=_handback_reason(response_type, evaluation, override_reason if overridden else ""),
                decision=decision,
                incident=incident,
                call_center=call_center or (held and _center_of(held)),
                external_id=external_id or (held.external_id if held else ""),
            )
        audit_record(
            actor=actor,
            action="intake.call.screen",
            obj=decision,
            detail={
                "policy_version": version.pk,
                "response_type": response_type,
                "recommended": evaluation.response_type,
                "safe_to_decide": evaluation.safe_to_decide,
                "overridden": overridden,
                "channel": channel,
                "call_center": call_center.pk if call_center else None,
                "incident": incident.pk if incident else None,
                "completed_held_call": held is not None,
            },
        )
        streams_append(
            streams=[BOARD],
            kind="call.screened",
            data={
                "decision": decision.pk,
                "incident": incident.pk if incident else None,
                "response_type": response_type,
                "overridden": overridden,
                "unmet_need": unmet is not None,
                "duplicate_of": [d.candidate_id for d in duplicates],
            },
        )
    return decision


def _response_after_override(evaluation: Evaluation, override, override_reason: str) -> tuple[str, bool, str]:
    """The response the call gets: the policy's, or an override that always carries its reason.

    When the call is not yet safe to decide, screening it in needs an explicit override (even to
    the response the policy would give once answered) and a reason; handing it back never does.
    """
    if override and override not in ResponseType.values:
        raise ApplicationError(
            _("Unknown response type."), extra={"override": [_("'%(value)s' is not one.") % {"value": override}]}
        )
    if not evaluation.safe_to_decide and override != ResponseType.NOT_ELIGIBLE:
        if not override or not override_reason:
            questions = {q.key: q.text for q in evaluation.version.questions.all()}
            raise ApplicationError(
                _("Not yet safe to decide: answer the safety questions, or override with a reason."),
                extra={
                    "answers": [
                        _("No answer to: %(question)s") % {"question": _(questions.get(key, key))}
                        for key in evaluation.unanswered_critical
                    ],
                    "unanswered": list(evaluation.unanswered_critical),
                    **({"override_reason": ["An override needs a reason."]} if override else {}),
                },
            )
        return override, True, override_reason
    if not evaluation.safe_to_decide and override == ResponseType.NOT_ELIGIBLE:
        return override, True, override_reason or "Handed back before the safety questions were answered."
    if override and override != evaluation.response_type:
        if not override_reason:
            raise ApplicationError(
                _("Say why you override the policy."), extra={"override_reason": [_("An override needs a reason.")]}
            )
        return override, True, override_reason
    return evaluation.response_type, False, override_reason


def _held_incident(incident_id) -> Incident:
    incident = Incident.objects.select_for_update().filter(pk=incident_id).first()
    if incident is None or SCREENING_HOLD not in (incident.safety_flags or []):
        raise NotFound(_("No call waiting for its screening with that id."))
    if incident.status not in OPEN_INCIDENT_STATUSES:
        raise ApplicationError(_("This call is closed; it can no longer be screened."))
    return incident


def _center_of(incident: Incident) -> CallCenter | None:
    document = EidoDocument.objects.filter(incident=incident).select_related("call_center").first()
    return document.call_center if document else None


def held_call_create(
    *,
    actor,
    call_center: CallCenter,
    call_type: CallType | None,
    location_text: str,
    summary: str,
    latitude: float | None = None,
    longitude: float | None = None,
    callback: str = "",
    caller_name: str = "",
    caller_notes: str = "",
    caller_language: str = "",
    received_at: datetime | None = None,
    external_id: str = "",
    waiting_for: list[str] | None = None,
) -> Incident:
    """A call from a call center that is on the board at once but held from dispatch until screened.

    The EIDO carries no answers to the program's safety questions (and may lack a call type or a
    usable location); the call-taker completes the screening on the screening page.
    """
    waiting = waiting_for or ["the safety questions"]
    incident = incident_create(
        actor=actor,
        summary=summary,
        location_text=location_text,
        call_type=call_type,
        source=SOURCE_FOR_CENTER.get(call_center.kind, Source.NINE_ONE_ONE),
        **call_location(location_text=location_text, latitude=latitude, longitude=longitude),
        callback=callback,
        caller_name=caller_name,
        caller_notes=caller_notes,
        caller_language=caller_language,
        safety_notes=f"Not yet safe to decide: screening needs {', '.join(waiting)}.",
        safety_flags=[SCREENING_HOLD],
        received_at=received_at,
        external_id=external_id[:200],
    )
    audit_record(actor=actor, action="intake.call.held", obj=incident, detail={"waiting_for": waiting})
    return incident


def _handback_reason(response_type: str, evaluation: Evaluation, override_reason: str) -> str:
    lead = {
        ResponseType.NOT_ELIGIBLE: "Not eligible for the community response; routed back.",
        ResponseType.CO_RESPONSE_POLICE: "Police co-response requested.",
        ResponseType.SECONDARY: "Police first; the community team follows once police clear.",
    }[response_type]
    detail = override_reason or " ".join(evaluation.reasons[:3])
    return f"{lead} {detail}".strip()
