"""Writes about referrals and the person's consent: the closed loop to partner services.

Re-exported by apps.followups.services, which is the name every door imports.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from apps.accounts.roles import Role, is_responder, is_supervisor, role_of
from apps.accounts.selectors import user_team_id
from apps.audit.services import audit_record
from apps.common.errors import ApplicationError, Conflict, NotFound, PermissionRefused
from apps.followups.disclosure import part2_consent_problems, referral_part2_reasons
from apps.followups.models import Consent, Referral, ReferralStatusChange
from apps.streams.names import team_stream, user_stream
from apps.streams.services import streams_append

S = Referral.Status

# The closed loop. Partners move a referral once it reaches them; the program sends, cancels and closes.
REFERRAL_TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SENT, S.CANCELLED},
    S.SENT: {S.ACCEPTED, S.DECLINED, S.CANCELLED},
    S.ACCEPTED: {S.IN_PROGRESS, S.DELIVERED, S.NOT_DELIVERED, S.CANCELLED},
    S.IN_PROGRESS: {S.DELIVERED, S.NOT_DELIVERED, S.CANCELLED},
    S.DECLINED: {S.CLOSED},
    S.DELIVERED: {S.CLOSED},
    S.NOT_DELIVERED: {S.CLOSED},
    S.CANCELLED: {S.CLOSED},
    S.CLOSED: set(),
}
PARTNER_STATUSES = {S.ACCEPTED, S.DECLINED, S.IN_PROGRESS, S.DELIVERED, S.NOT_DELIVERED, S.CLOSED}
PROGRAM_STATUSES = {S.SENT, S.CANCELLED, S.CLOSED}
REASON_REQUIRED = {S.DECLINED, S.NOT_DELIVERED}

# What a consent's scope may name, and where each value comes from (see docs/followups.md).
SCOPE_FIELDS = ("need", "needs", "notes", "name", "age_range", "language", "housing_status", "contact")


# --- consent ------------------------------------------------------------------------------------


def consent_validate(consent) -> dict:
    """Check the shape a tablet or form sends; answer field errors under `consent`."""
    if not isinstance(consent, dict):
        raise ApplicationError("Record the person's consent.", extra={"consent": ["Consent must be an object."]})
    errors = []
    scope = consent.get("scope", [])
    if not isinstance(scope, list) or any(item not in SCOPE_FIELDS for item in scope):
        errors.append(f"scope: list of fields from {', '.join(SCOPE_FIELDS)}.")
        scope = []
    recipients = consent.get("recipients", Consent.Recipients.SERVICE)
    if recipients not in Consent.Recipients.values:
        errors.append("recipients: 'service' or 'organization'.")
    given_by = consent.get("given_by", Consent.GivenBy.VERBAL)
    if given_by not in Consent.GivenBy.values:
        errors.append("given_by: 'verbal' or 'written'.")
    expires_at = consent.get("expires_at")
    if expires_at not in (None, ""):
        parsed = parse_datetime(expires_at) if isinstance(expires_at, str) else expires_at
        if not isinstance(parsed, datetime):
            errors.append("expires_at: an ISO 8601 date and time, or null.")
        else:
            expires_at = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
    else:
        expires_at = None
    substance = consent.get("substance_use_records", False)
    if not isinstance(substance, bool):
        errors.append("substance_use_records: true or false.")
    purpose = consent.get("purpose") or ""
    if not isinstance(purpose, str) or len(purpose) > 300:
        errors.append("purpose: text of at most 300 characters.")
        purpose = ""
    recipient_name = consent.get("recipient_name") or ""
    if not isinstance(recipient_name, str) or len(recipient_name) > 200:
        errors.append("recipient_name: text of at most 200 characters.")
        recipient_name = ""
    if errors:
        raise ApplicationError("The consent is not complete.", extra={"consent": errors})
    return {
        "scope": list(dict.fromkeys(scope)),
        "recipients": recipients,
        "given_by": given_by,
        "expires_at": expires_at,
        "substance_use_records": substance,
        "purpose": purpose.strip(),
        "recipient_name": recipient_name.strip(),
    }


def consent_problems(consent: Consent | None, *, now: datetime | None = None, part2: bool = False) -> list[str]:
    """Why this consent does not cover sending the referral; empty when it does.

    `part2`: the referral holds substance-use information (apps.followups.disclosure decides that
    from its content); the consent must then meet 42 CFR Part 2 whatever its own flag says.
    """
    now = now or timezone.now()
    if consent is None:
        return ["No consent is recorded."]
    problems = []
    if consent.revoked_at is not None:
        problems.append("The person withdrew consent.")
    if consent.expires_at is not None and consent.expires_at <= now:
        problems.append("The consent has expired.")
    if not consent.scope:
        problems.append("The consent does not allow anything to be shared.")
    if part2 or consent.substance_use_records:
        problems.extend(part2_consent_problems(consent) if part2 else _flagged_problems(consent))
    return problems


def _flagged_problems(consent: Consent) -> list[str]:
    """The consent says it covers substance-use records: it must meet Part 2 even if nothing else does."""
    return [p for p in part2_consent_problems(consent) if "must say they agree" not in p]


def consent_active(consent: Consent | None, *, now: datetime | None = None, part2: bool = False) -> bool:
    return not consent_problems(consent, now=now, part2=part2)


def referral_consent_problems(referral: Referral, *, now: datetime | None = None) -> list[str]:
    """The one question every door asks before anything about the person leaves: does the consent on
    record cover this referral as it stands now (its content decides whether Part 2 applies)?"""
    return consent_problems(getattr(referral, "consent", None), now=now, part2=bool(referral_part2_reasons(referral)))


# --- referrals ----------------------------------------------------------------------------------


def referral_streams(referral: Referral) -> list[str]:
    """The referring team's stream; a referral from an encounter with no team goes to its author."""
    team_id = referral.encounter.team_id
    return [team_stream(team_id)] if team_id else [user_stream(referral.created_by_id)]


def _referral_event(referral: Referral, **extra) -> None:
    data = {
        "referral": str(referral.pk),
        "encounter": str(referral.encounter_id),
        "status": referral.status,
        "version": referral.version,
        **extra,
    }
    streams_append(streams=referral_streams(referral), kind="referral.updated", data=data)


def _record_step(referral: Referral, *, from_status: str, to_status: str, actor, reason: str, at) -> None:
    ReferralStatusChange.objects.create(
        referral=referral,
        from_status=from_status,
        to_status=to_status,
        reason=reason[:300],
        at=at,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_role=role_of(actor) or "",
    )


def _is_partner_of(actor, referral: Referral) -> bool:
    return (
        role_of(actor) == Role.PARTNER
        and actor.partner_organization_id is not None
        and actor.partner_organization_id == referral.service.organization_id
    )


def _is_referring_side(actor, referral: Referral) -> bool:
    if is_supervisor(actor):
        return True
    if not is_responder(actor):
        return False
    team_id = user_team_id(actor)
    return referral.created_by_id == actor.pk or (team_id is not None and referral.encounter.team_id == team_id)


def _check_may_replay(actor, existing: Referral) -> None:
    """A replayed client id answers with the stored referral (or a 409 carrying it), so only the
    referring side that may read it gets that answer; anyone else is told there is no such referral."""
    from apps.followups.selectors import referrals_visible_to

    if not referrals_visible_to(actor).filter(pk=existing.pk).exists():
        raise NotFound("No such referral.")


def referral_create(
    *,
    actor,
    encounter_id,
    service_id,
    consent: dict,
    need: str = "",
    notes: str = "",
    referral_id=None,
    send: bool = True,
) -> Referral:
    """Record a referral and the person's consent; send it at once when `send` and the consent covers it.

    A referral whose consent does not cover sending stays a draft (the answer says why), so a
    tablet's queued referral is never lost over a consent detail.
    """
    from apps.incidents.selectors import encounters_visible_to
    from apps.resources.models import Service

    clean = consent_validate(consent)
    if not (is_supervisor(actor) or is_responder(actor)):
        raise PermissionRefused("Only responders and supervisors make referrals.")
    if referral_id is not None:
        existing = Referral.objects.filter(pk=referral_id).first()
        if existing is not None:
            _check_may_replay(actor, existing)
            if str(existing.encounter_id) != str(encounter_id) or str(existing.service_id) != str(service_id):
                from apps.followups.serializers import referral_payload

                raise Conflict(
                    "A different referral already has this id.", extra={"server": referral_payload(existing)}
                )
            return existing
    encounter = encounters_visible_to(actor).filter(pk=encounter_id).first()
    if encounter is None:
        raise NotFound("No such encounter.")
    service = Service.objects.select_related("organization").filter(pk=service_id).first()
    if service is None:
        raise ApplicationError("Choose a service from the directory.", extra={"service": ["No such service."]})
    now = timezone.now()
    try:
        with transaction.atomic():
            referral = Referral(
                encounter=encounter,
                service=service,
                need=need or "",
                notes=notes or "",
                created_by=actor,
                status_changed_at=now,
            )
            if referral_id is not None:
                referral.id = referral_id
            referral.save(force_insert=True)
            Consent.objects.create(referral=referral, recorded_by=actor, **clean)
            _record_step(referral, from_status="", to_status=S.DRAFT, actor=actor, reason="", at=now)
            audit_record(actor=actor, action="referral.create", obj=referral, detail={"service": str(service.pk)})
            _referral_event(referral)
    except IntegrityError:
        existing = Referral.objects.filter(pk=referral.pk).first()
        if existing is None:
            raise
        _check_may_replay(actor, existing)
        return existing
    if send and not referral_consent_problems(referral):
        referral = referral_transition(actor=actor, referral_id=referral.pk, status=S.SENT)
    return referral


def _lock_referral(referral_id) -> Referral:
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("service__organization", "encounter", "consent")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        raise NotFound("No such referral.")
    return referral


def referral_transition(*, actor, referral_id, status: str, reason: str = "") -> Referral:
    """Move a referral one step along its loop; each step is stamped and the referring team told."""
    if status not in S.values:
        raise ApplicationError("Not a referral status.", extra={"status": ["Not a known status."]})
    reason = (reason or "").strip()
    with transaction.atomic():
        referral = _lock_referral(referral_id)
        partner = _is_partner_of(actor, referral)
        if partner and referral.status == S.DRAFT:
            raise NotFound("No such referral.")
        if not partner and not _is_referring_side(actor, referral):
            raise NotFound("No such referral.")
        allowed = PARTNER_STATUSES if partner else PROGRAM_STATUSES
        if status not in allowed:
            raise PermissionRefused(f"{'Partners' if partner else 'The program'} cannot set a referral to {status}.")
        if referral.status == status:
            return referral  # a double click or a replay
        if status not in REFERRAL_TRANSITIONS[referral.status]:
            raise ApplicationError(
                f"A referral that is {referral.get_status_display().lower()} cannot become {S(status).label.lower()}.",
                extra={
                    "status": [f"Allowed next: {', '.join(sorted(REFERRAL_TRANSITIONS[referral.status])) or 'none'}."]
                },
            )
        if status in REASON_REQUIRED and not reason:
            raise ApplicationError("Give a reason.", extra={"reason": ["This field is required."]})
        if status == S.NOT_DELIVERED and reason not in Referral.NotDeliveredReason.values:
            raise ApplicationError(
                "Choose why the service was not delivered.",
                extra={"reason": [f"One of: {', '.join(Referral.NotDeliveredReason.values)}."]},
            )
        now = timezone.now()
        if status == S.SENT:
            problems = referral_consent_problems(referral, now=now)
            if problems:
                raise ApplicationError(
                    "This referral cannot be sent: the consent does not cover it.", extra={"consent": problems}
                )
        previous = referral.status
        referral.status = status
        referral.status_changed_at = now
        referral.status_reason = reason[:300]
        referral.version += 1
        referral.save(update_fields=["status", "status_changed_at", "status_reason", "version", "updated_at"])
        _record_step(referral, from_status=previous, to_status=status, actor=actor, reason=reason, at=now)
        audit_record(actor=actor, action="referral.transition", obj=referral, detail={"from": previous, "to": status})
        _referral_event(referral, previous_status=previous)
        if not partner:
            from apps.followups.webhooks import webhooks_enqueue

            webhooks_enqueue(referral=referral, event="referral.updated")
    return referral


def consent_revoke(*, actor, referral_id, reason: str = "") -> Referral:
    """The person withdrew consent: nothing more is disclosed, in the inbox or by webhook."""
    with transaction.atomic():
        referral = _lock_referral(referral_id)
        if not _is_referring_side(actor, referral):
            raise NotFound("No such referral.")
        consent = getattr(referral, "consent", None)
        if consent is None:
            raise ApplicationError("No consent is recorded for this referral.")
        if consent.revoked_at is not None:
            return referral
        consent.revoked_at = timezone.now()
        consent.revoked_by = actor
        consent.revoke_reason = (reason or "")[:300]
        consent.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        referral.version += 1
        referral.save(update_fields=["version", "updated_at"])
        audit_record(actor=actor, action="referral.consent_revoke", obj=referral, detail={"reason": reason})
        _referral_event(referral, consent="revoked")
        if referral.status != S.DRAFT:
            from apps.followups.webhooks import webhooks_enqueue

            webhooks_enqueue(referral=referral, event="referral.consent_revoked")
    return referral
