"""Every write intake makes: call centers and their keys, policy versions, screening decisions.

Incidents are created and changed only through apps.incidents.services; this module never writes
an Incident row itself. Each function checks who acts, writes inside one transaction, audits, and
appends its board event in the same transaction.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from apps.accounts.roles import Role, can_create_incident, can_dispatch, is_supervisor
from apps.audit.models import Outcome
from apps.audit.services import audit_record
from apps.common import callers
from apps.common.errors import ApplicationError, NotFound, PermissionRefused
from apps.common.geo import bounding_box, distance_km
from apps.incidents.models import CallType, Incident, Source
from apps.incidents.services import (
    incident_cancel,
    incident_create,
    incident_fields_checked,
    incident_screened_out,
    incident_update,
)
from apps.incidents.states import OPEN_INCIDENT_STATUSES, SCREENING_HOLD
from apps.intake import conf
from apps.intake.models import (
    RESPONSE_SEVERITY,
    ApiKey,
    CallCenter,
    CenterKind,
    Channel,
    DuplicateFlag,
    DuplicateStatus,
    EidoDocument,
    Handback,
    Policy,
    PolicyCallType,
    PolicyVersion,
    PriorityTarget,
    ResponseType,
    ScreeningDecision,
    ScreeningQuestion,
    UnansweredCritical,
    UnmetNeed,
)
from apps.intake.selectors import policy_in_force
from apps.streams.names import BOARD
from apps.streams.services import streams_append
from apps.teams.models import Team, UnitStatus

KEY_PREFIX = "fl"
OVERRIDE_REASON_MAX = 300
HANDBACK_RESPONSES = {ResponseType.NOT_ELIGIBLE, ResponseType.CO_RESPONSE_POLICE, ResponseType.SECONDARY}
SOURCE_FOR_CENTER = {
    CenterKind.NINE_ONE_ONE: Source.NINE_ONE_ONE,
    CenterKind.NINE_EIGHT_EIGHT: Source.NINE_EIGHT_EIGHT,
    CenterKind.TWO_ONE_ONE: Source.TWO_ONE_ONE,
    CenterKind.THREE_ONE_ONE: Source.THREE_ONE_ONE,
}


def _check_supervisor_or_shell(actor) -> None:
    """Supervisors act in the admin; `actor=None` is the shell (manage.py), which the host already trusts."""
    if actor is not None and not is_supervisor(actor):
        raise PermissionRefused("Only a supervisor can manage call centers, keys and the eligibility policy.")


# --- call centers and keys ---------------------------------------------------------------------


def call_center_create(*, actor, name: str, kind: str = CenterKind.NINE_ONE_ONE, contact: str = "") -> CallCenter:
    """A call center with its own service user (a call-taker with no password) that its keys act as."""
    _check_supervisor_or_shell(actor)
    name = (name or "").strip()
    if not name:
        raise ApplicationError("Name the call center.", extra={"name": ["This field is required."]})
    if kind not in CenterKind.values:
        raise ApplicationError("Unknown kind of call center.", extra={"kind": [f"One of {', '.join(CenterKind)}."]})
    if CallCenter.objects.filter(name=name).exists():
        raise ApplicationError("A call center with that name exists.", extra={"name": ["Already taken."]})
    user_model = get_user_model()
    with transaction.atomic():
        base = f"callcenter-{slugify(name)[:100]}".rstrip("-")
        username, n = base, 1
        while user_model.objects.filter(username=username).exists():
            n += 1
            username = f"{base}-{n}"
        user = user_model(username=username, role=Role.CALL_TAKER, first_name=name[:150])
        user.set_unusable_password()
        user.save()
        center = CallCenter(name=name, kind=kind, contact=contact, service_user=user)
        center.full_clean()
        center.save()
        audit_record(actor=actor, action="intake.call_center.create", obj=center, detail={"kind": kind})
    return center


def _hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_key_issue(*, actor, call_center_id, label: str = "") -> tuple[ApiKey, str]:
    """Issue a key; the returned string is the only time anyone sees it."""
    _check_supervisor_or_shell(actor)
    with transaction.atomic():
        center = CallCenter.objects.select_for_update().filter(pk=call_center_id).first()
        if center is None:
            raise NotFound("No such call center.")
        prefix = secrets.token_hex(5)
        raw = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
        key = ApiKey.objects.create(
            call_center=center,
            prefix=prefix,
            hashed_secret=_hash_key(raw),
            label=label[:100],
            created_by=actor if actor is not None else None,
        )
        audit_record(actor=actor, action="intake.api_key.issue", obj=key, detail={"call_center": center.pk})
    return key, raw


def api_key_revoke(*, actor, api_key_id, reason: str = "") -> ApiKey:
    _check_supervisor_or_shell(actor)
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().filter(pk=api_key_id).first()
        if key is None:
            raise NotFound("No such API key.")
        if key.revoked_at is None:
            key.revoked_at = timezone.now()
            key.revoked_by = actor
            key.revoked_reason = (reason or "revoked")[:200]
            key.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
            audit_record(actor=actor, action="intake.api_key.revoke", obj=key, detail={"reason": key.revoked_reason})
    return key


def api_key_rotate(*, actor, api_key_id) -> tuple[ApiKey, str]:
    """Revoke a key and issue its replacement in one step."""
    with transaction.atomic():
        old = api_key_revoke(actor=actor, api_key_id=api_key_id, reason="rotated")
        return api_key_issue(actor=actor, call_center_id=old.call_center_id, label=old.label)


def api_key_authenticate(raw: str) -> ApiKey | None:
    """The active key matching `raw`, or None. Constant-time comparison of the stored hash."""
    parts = (raw or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    key = ApiKey.objects.select_related("call_center__service_user").filter(prefix=parts[1][:16]).first()
    if key is None or not hmac.compare_digest(key.hashed_secret, _hash_key(raw.strip())):
        return None
    if key.is_revoked or not key.call_center.active or not key.call_center.service_user.is_active:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > timedelta(minutes=1):
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


# --- the policy ----------------------------------------------------------------------------------


def policy_version_draft(*, actor, policy_id) -> PolicyVersion:
    """A new draft copied from the latest version, to edit and then publish."""
    _check_supervisor_or_shell(actor)
    with transaction.atomic():
        policy = Policy.objects.select_for_update().filter(pk=policy_id).first()
        if policy is None:
            raise NotFound("No such policy.")
        latest = policy.versions.order_by("-number").first()
        number = (policy.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        draft = PolicyVersion.objects.create(
            policy=policy,
            number=number,
            notes="",
            unanswered_critical=latest.unanswered_critical if latest else UnansweredCritical.HOLD,
        )
        if latest is not None:
            for row in latest.call_types.all():
                PolicyCallType.objects.create(
                    version=draft,
                    call_type_id=row.call_type_id,
                    nature_codes=list(row.nature_codes),
                    open311_service_code=row.open311_service_code,
                    priority=row.priority,
                    response_type=row.response_type,
                    description=row.description,
                )
            for q in latest.questions.all():
                ScreeningQuestion.objects.create(
                    version=draft,
                    key=q.key,
                    text=q.text,
                    help_text=q.help_text,
                    order=q.order,
                    yes_leads_to=q.yes_leads_to,
                    yes_reason=q.yes_reason,
                    priority_if_yes=q.priority_if_yes,
                    critical=q.critical,
                )
            for t in latest.targets.all():
                PriorityTarget.objects.create(version=draft, priority=t.priority, minutes=t.minutes, label=t.label)
        audit_record(
            actor=actor, action="intake.policy.draft", obj=draft, detail={"from": latest.pk if latest else None}
        )
    return draft


def policy_version_publish(*, actor, version_id) -> PolicyVersion:
    """Freeze a draft and put it in force. Decisions made under older versions keep theirs."""
    _check_supervisor_or_shell(actor)
    with transaction.atomic():
        version = PolicyVersion.objects.select_for_update().filter(pk=version_id).first()
        if version is None:
            raise NotFound("No such policy version.")
        if version.is_published:
            raise ApplicationError("This version is already published.")
        if not version.call_types.exists():
            raise ApplicationError("A policy must take at least one call type before it is published.")
        now = timezone.now()
        PolicyVersion.objects.filter(pk=version.pk).update(published_at=now, published_by=actor)
        version.refresh_from_db()
        audit_record(actor=actor, action="intake.policy.publish", obj=version)
        streams_append(
            streams=[BOARD],
            kind="policy.published",
            data={"policy_version": version.pk, "number": version.number, "targets": _targets(version)},
        )
    return version


def _targets(version: PolicyVersion) -> dict[str, int]:
    return {str(t.priority): t.minutes for t in version.targets.all()}


# --- screening -----------------------------------------------------------------------------------


# Whatever the policy says, these are safety questions with no default answer.
ALWAYS_CRITICAL = {"weapon_involved", "violence_or_threats", "medical_emergency"}
NOT_YET_SAFE = "not_yet_safe"


def question_is_critical(question: ScreeningQuestion) -> bool:
    return question.critical or question.key in ALWAYS_CRITICAL


@dataclass
class Evaluation:
    """What the policy says about a call, before anyone overrides it."""

    version: PolicyVersion
    call_type: CallType | None
    response_type: str
    priority: int
    reasons: list[str] = field(default_factory=list)
    answers: dict = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    unanswered_critical: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return self.response_type != ResponseType.NOT_ELIGIBLE

    @property
    def safe_to_decide(self) -> bool:
        """A call is never screened in on a silence: every critical question needs an answer first."""
        return not self.unanswered_critical or not self.eligible

    @property
    def state(self) -> str:
        """What the screen shows: the response type, or 'not yet safe to decide' (never green)."""
        return self.response_type if self.safe_to_decide else NOT_YET_SAFE


def _answer(value) -> bool | None:
    if isinstance(value, bool) or value is None:
        return value
    text = str(value).strip().lower()
    if text in {"yes", "y", "true", "1", "on"}:
        return True
    if text in {"no", "n", "false", "0", "off"}:
        return False
    if text in {"", "unknown", "?"}:
        return None
    raise ApplicationError("Answer yes, no or unknown.", extra={"answers": [f"'{value}' is not yes, no or unknown."]})


def screening_evaluate(*, version: PolicyVersion, call_type: CallType | None, answers: dict) -> Evaluation:
    """Apply one policy version to a call type and the answers given. Reads only; writes nothing."""
    questions = list(version.questions.all())
    known = {q.key for q in questions}
    unknown = sorted(set(answers or {}) - known)
    if unknown:
        raise ApplicationError(
            "Those are not questions of the policy in force.",
            extra={"answers": [f"Unknown question '{key}'." for key in unknown]},
        )
    normalized = {q.key: _answer((answers or {}).get(q.key)) for q in questions}
    row = None
    if call_type is not None:
        row = next((r for r in version.call_types.all() if r.call_type_id == call_type.pk), None)
    if row is None:
        name = call_type.name if call_type else "This kind of"
        return Evaluation(
            version=version,
            call_type=call_type,
            response_type=ResponseType.NOT_ELIGIBLE,
            priority=call_type.default_priority if call_type else 3,
            reasons=[f"{name} calls are not taken under policy v{version.number}."],
            answers=normalized,
        )
    response = row.response_type
    priority = row.effective_priority()
    reasons = [f"{row.call_type.name} calls are taken: {ResponseType(row.response_type).label.lower()}."]
    flags = []
    unanswered_critical = []
    assume_yes = version.unanswered_critical == UnansweredCritical.ASSUME_YES
    for q in questions:
        unanswered = normalized[q.key] is None and question_is_critical(q)
        if unanswered and not assume_yes:
            unanswered_critical.append(q.key)
        if normalized[q.key] is True or (unanswered and assume_yes):
            flags.append(q.key)
            reasons.append(q.yes_reason if normalized[q.key] else f"Not answered, treated as yes: {q.yes_reason}")
            if RESPONSE_SEVERITY[q.yes_leads_to] > RESPONSE_SEVERITY[response]:
                response = q.yes_leads_to
            if q.priority_if_yes:
                priority = min(priority, q.priority_if_yes)
    evaluation = Evaluation(
        version=version,
        call_type=row.call_type,
        response_type=response,
        priority=priority,
        reasons=reasons,
        answers=normalized,
        flags=flags,
        unanswered_critical=unanswered_critical,
    )
    if not evaluation.safe_to_decide:
        texts = [q.text.rstrip("?.") for q in questions if q.key in unanswered_critical]
        reasons.append(f"Not yet safe to decide: no answer to {'; '.join(texts)}.")
    others = [q.text.rstrip("?.") for q in questions if normalized[q.key] is None and not question_is_critical(q)]
    if others:
        reasons.append(f"Not asked or unknown: {'; '.join(others)}.")
    return evaluation


def call_type_resolve(call_type) -> CallType | None:
    if call_type is None or isinstance(call_type, CallType):
        return call_type
    code = str(call_type).strip()
    if not code:
        return None
    # PostgreSQL text cannot hold a NUL, so such a code cannot name a call type (and must not reach the query).
    found = CallType.objects.filter(code=code, active=True).first() if "\x00" not in code else None
    if found is None:
        raise ApplicationError("Unknown call type.", extra={"call_type": [f"No active call type '{code}'."]})
    return found


def _flag_duplicates(incident: Incident) -> list[DuplicateFlag]:
    if incident.latitude is None or incident.longitude is None:
        return []
    limit_m = conf.duplicate_distance_m()
    since = incident.received_at - timedelta(minutes=conf.duplicate_window_minutes())
    south, north, west, east = bounding_box(incident.latitude, incident.longitude, limit_m / 1000 + 0.1)
    candidates = Incident.objects.filter(
        status__in=OPEN_INCIDENT_STATUSES,
        received_at__gte=since,
        received_at__lte=incident.received_at + timedelta(minutes=1),
        latitude__range=(south, north),
        longitude__range=(west, east),
    ).exclude(pk=incident.pk)
    flags = []
    for other in candidates:
        distance = distance_km(incident.latitude, incident.longitude, other.latitude, other.longitude) * 1000
        if distance <= limit_m:
            minutes = abs((incident.received_at - other.received_at).total_seconds()) / 60
            flags.append(
                DuplicateFlag.objects.create(
                    incident=incident, candidate=other, distance_m=round(distance, 1), minutes_apart=round(minutes, 1)
                )
            )
    return flags


def handback_create(
    *, actor, reason: str, decision=None, incident=None, call_center=None, external_id: str = ""
) -> Handback:
    """Record that a call goes back to its call center, with the EIDO that carries it."""
    from apps.intake.eido import eido_for_decision, eido_for_incident

    if incident is not None:
        document = eido_for_incident(incident, reason=reason)
    else:
        document = eido_for_decision(decision, reason=reason, eido_id=external_id)
    handback = Handback.objects.create(
        decision=decision,
        incident=incident,
        call_center=call_center,
        reason=reason[:300],
        document=document,
        created_by=actor,
    )
    audit_record(actor=actor, action="intake.handback", obj=handback, detail={"reason": handback.reason})
    return handback


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
) -> ScreeningDecision:
    """Screen a call under the policy in force and act on it: an incident, or a not-eligible handback.

    The decision stores the answers, the policy version, who decided and when, the recommendation
    and any override with its reason, so the policy can later be checked against what happened.
    A call whose critical safety questions are unanswered is not yet safe to decide: it is screened
    in only with an explicit override and its reason. `held_incident_id` completes the screening of
    a call already on the board but held back from dispatch (an EIDO from a call center).
    """
    if not can_create_incident(actor):
        raise PermissionRefused("Only call-takers, dispatchers and supervisors can screen calls.")
    version = policy_in_force()
    if version is None:
        raise ApplicationError("No eligibility policy is published yet. A supervisor publishes one in the admin.")
    call_type = call_type_resolve(call_type)
    if call_type is None:
        raise ApplicationError("Choose the call type.", extra={"call_type": ["This field is required."]})
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
        override_reason, field="override_reason", limit=OVERRIDE_REASON_MAX, label="The override reason"
    )
    evaluation = screening_evaluate(version=version, call_type=call_type, answers=answers or {})
    response_type, overridden, override_reason = _response_after_override(evaluation, override, override_reason)
    if response_type != ResponseType.NOT_ELIGIBLE and not text["location_text"]:
        raise ApplicationError("Where is the person?", extra={"location_text": ["This field is required."]})
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
            "latitude": latitude,
            "longitude": longitude,
            "callback": text["callback"],
            "caller_name": text["caller_name"],
            "caller_language": text["caller_language"],
            "safety_notes": "; ".join(yes_reasons)[: callers.SAFETY_NOTES_MAX],
            "safety_flags": evaluation.flags,
        }
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
        raise ApplicationError("Unknown response type.", extra={"override": [f"'{override}' is not one."]})
    if not evaluation.safe_to_decide and override != ResponseType.NOT_ELIGIBLE:
        if not override or not override_reason:
            questions = {q.key: q.text for q in evaluation.version.questions.all()}
            raise ApplicationError(
                "Not yet safe to decide: answer the safety questions, or override with a reason.",
                extra={
                    "answers": [f"No answer to: {questions.get(key, key)}" for key in evaluation.unanswered_critical],
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
                "Say why you override the policy.", extra={"override_reason": ["An override needs a reason."]}
            )
        return override, True, override_reason
    return evaluation.response_type, False, override_reason


def _held_incident(incident_id) -> Incident:
    incident = Incident.objects.select_for_update().filter(pk=incident_id).first()
    if incident is None or SCREENING_HOLD not in (incident.safety_flags or []):
        raise NotFound("No call waiting for its screening with that id.")
    if incident.status not in OPEN_INCIDENT_STATUSES:
        raise ApplicationError("This call is closed; it can no longer be screened.")
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
        latitude=latitude,
        longitude=longitude,
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


# --- duplicates --------------------------------------------------------------------------------


def _lock_flag(flag_id) -> DuplicateFlag:
    flag = DuplicateFlag.objects.select_for_update().filter(pk=flag_id).first()
    if flag is None:
        raise NotFound("No such duplicate flag.")
    if flag.status != DuplicateStatus.OPEN:
        raise ApplicationError("This flag has already been resolved.")
    return flag


def duplicate_link(*, actor, flag_id, cancel_new: bool = True) -> DuplicateFlag:
    """A dispatcher confirms the new call is the same as an open one; the new incident is cancelled."""
    if not can_dispatch(actor):
        raise PermissionRefused("Only a dispatcher or supervisor can link duplicate calls.")
    with transaction.atomic():
        flag = _lock_flag(flag_id)
        flag.status = DuplicateStatus.LINKED
        flag.resolved_at = timezone.now()
        flag.resolved_by = actor
        flag.save(update_fields=["status", "resolved_at", "resolved_by"])
        if cancel_new and flag.incident.status in OPEN_INCIDENT_STATUSES:
            incident_cancel(
                actor=actor, incident_id=flag.incident_id, reason=f"Duplicate of {flag.candidate.reference}"
            )
        audit_record(actor=actor, action="intake.duplicate.link", obj=flag, detail={"candidate": flag.candidate_id})
        streams_append(
            streams=[BOARD],
            kind="call.duplicate_linked",
            data={"flag": flag.pk, "incident": flag.incident_id, "candidate": flag.candidate_id},
        )
    return flag


def duplicate_dismiss(*, actor, flag_id) -> DuplicateFlag:
    if not can_dispatch(actor):
        raise PermissionRefused("Only a dispatcher or supervisor can resolve duplicate flags.")
    with transaction.atomic():
        flag = _lock_flag(flag_id)
        flag.status = DuplicateStatus.DISMISSED
        flag.resolved_at = timezone.now()
        flag.resolved_by = actor
        flag.save(update_fields=["status", "resolved_at", "resolved_by"])
        audit_record(actor=actor, action="intake.duplicate.dismiss", obj=flag)
    return flag


def intake_read(*, actor, action: str, detail: dict | None = None, record_ids: list | None = None) -> None:
    """Audit a call center reading back what Firstline holds about its calls (naming each record)."""
    audit_record(actor=actor, action=action, object_type="intake.handback", detail=detail or {}, record_ids=record_ids)


def intake_refused(*, actor, action: str, reason: str, detail: dict | None = None) -> None:
    """Audit a refused intake (bad document, bad key) outside any transaction that rolled back."""
    audit_record(
        actor=actor,
        action=action,
        object_type="intake.call",
        outcome=Outcome.DENIED,
        detail={"reason": reason[:300], **(detail or {})},
    )
