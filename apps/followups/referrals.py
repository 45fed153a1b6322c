"""Writes about referrals: the closed loop to partner services (the consent rules are in consent.py).

Re-exported by apps.followups.services, which is the name every door imports.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Role, is_responder, is_supervisor, role_of
from apps.accounts.selectors import user_team_id
from apps.audit.services import audit_record
from apps.common.errors import ApplicationError, Conflict, NotFound, PermissionRefused
from apps.followups.consent import consent_validate, referral_consent_problems
from apps.followups.models import Consent, Referral, ReferralStatusChange
from apps.followups.payloads import referral_payload
from apps.followups.selectors import referrals_visible_to
from apps.followups.webhooks import webhooks_enqueue
from apps.incidents.selectors import encounters_visible_to
from apps.resources.models import Service
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


def referral_partner_next(current: str) -> list[tuple[str, bool]]:
    """What a partner may move a referral to from `current`, in the loop's order, and whether it needs a reason.

    The partner page draws its buttons from this, so they can never offer a step the service refuses.
    """
    allowed = REFERRAL_TRANSITIONS.get(current, set()) & PARTNER_STATUSES
    return [(status, status in REASON_REQUIRED) for status in S.values if status in allowed]


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
    if not referrals_visible_to(actor).filter(pk=existing.pk).exists():
        raise NotFound(_("No such referral."))


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
    clean = consent_validate(consent)
    if not (is_supervisor(actor) or is_responder(actor)):
        raise PermissionRefused(_("Only responders and supervisors make referrals."))
    if referral_id is not None:
        existing = Referral.objects.filter(pk=referral_id).first()
        if existing is not None:
            _check_may_replay(actor, existing)
            if str(existing.encounter_id) != str(encounter_id) or str(existing.service_id) != str(service_id):
                raise Conflict(
                    _("A different referral already has this id."), extra={"server": referral_payload(existing)}
                )
            return existing
    encounter = encounters_visible_to(actor).filter(pk=encounter_id).first()
    if encounter is None:
        raise NotFound(_("No such encounter."))
    service = Service.objects.select_related("organization").filter(pk=service_id).first()
    if service is None:
        raise ApplicationError(_("Choose a service from the directory."), extra={"service": [_("No such service.")]})
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
        raise NotFound(_("No such referral."))
    return referral


def referral_transition(
    *,
    actor,
    referral_id,
    status: str,
    reason: str = "",
    handoff_info_enough: bool | None = None,
    handoff_timely: bool | None = None,
) -> Referral:
    """Move a referral one step along its loop; each step is stamped and the referring team told.

    A partner closing it may say, optionally, whether the information sent was enough and whether it
    came in time (reported per partner organisation)."""
    if status not in S.values:
        raise ApplicationError(_("Not a referral status."), extra={"status": [_("Not a known status.")]})
    reason = (reason or "").strip()
    with transaction.atomic():
        referral = _lock_referral(referral_id)
        partner = _is_partner_of(actor, referral)
        if partner and referral.status == S.DRAFT:
            raise NotFound(_("No such referral."))
        if not partner and not _is_referring_side(actor, referral):
            raise NotFound(_("No such referral."))
        allowed = PARTNER_STATUSES if partner else PROGRAM_STATUSES
        if status not in allowed:
            raise PermissionRefused(
                (
                    _("Partners cannot set a referral to %(status)s.")
                    if partner
                    else _("The program cannot set a referral to %(status)s.")
                )
                % {"status": S(status).label}
            )
        if referral.status == status:
            return referral  # a double click or a replay
        if status not in REFERRAL_TRANSITIONS[referral.status]:
            raise ApplicationError(
                _("A referral that is %(current)s cannot become %(next)s.")
                % {"current": referral.get_status_display().lower(), "next": str(S(status).label).lower()},
                extra={
                    "status": [
                        _("Allowed next: %(allowed)s.")
                        % {"allowed": ", ".join(sorted(REFERRAL_TRANSITIONS[referral.status])) or _("none")}
                    ]
                },
            )
        if status in REASON_REQUIRED and not reason:
            raise ApplicationError(_("Give a reason."), extra={"reason": [_("This field is required.")]})
        if status == S.NOT_DELIVERED and reason not in Referral.NotDeliveredReason.values:
            raise ApplicationError(
                _("Choose why the service was not delivered."),
                extra={
                    "reason": [_("One of: %(allowed)s.") % {"allowed": ", ".join(Referral.NotDeliveredReason.values)}]
                },
            )
        now = timezone.now()
        if status == S.SENT:
            problems = referral_consent_problems(referral, now=now)
            if problems:
                raise ApplicationError(
                    _("This referral cannot be sent: the consent does not cover it."), extra={"consent": problems}
                )
        previous = referral.status
        referral.status = status
        referral.status_changed_at = now
        referral.status_reason = reason[:300]
        referral.version += 1
        fields = ["status", "status_changed_at", "status_reason", "version", "updated_at"]
        if partner and status == S.CLOSED:
            referral.handoff_info_enough, referral.handoff_timely = handoff_info_enough, handoff_timely
            fields += ["handoff_info_enough", "handoff_timely"]
        referral.save(update_fields=fields)
        _record_step(referral, from_status=previous, to_status=status, actor=actor, reason=reason, at=now)
        audit_record(actor=actor, action="referral.transition", obj=referral, detail={"from": previous, "to": status})
        _referral_event(referral, previous_status=previous)
        if not partner:
            webhooks_enqueue(referral=referral, event="referral.updated")
    return referral


def consent_revoke(*, actor, referral_id, reason: str = "") -> Referral:
    """The person withdrew consent: nothing more is disclosed, in the inbox or by webhook."""
    with transaction.atomic():
        referral = _lock_referral(referral_id)
        if not _is_referring_side(actor, referral):
            raise NotFound(_("No such referral."))
        consent = getattr(referral, "consent", None)
        if consent is None:
            raise ApplicationError(_("No consent is recorded for this referral."))
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
            webhooks_enqueue(referral=referral, event="referral.consent_revoked")
    return referral
