"""Writes about follow-ups and referrals. Every door (API, tablet sync, partner inbox, admin, tasks)
calls these, so the permission, consent and lifecycle rules hold the same way everywhere.

Consent, referrals and partner endpoints live in their own modules (consent.py, referrals.py,
endpoints.py) and are re-exported here, the name every door imports. Sweeps (reminders, escalations,
rules, stalls, certifications) live in apps.followups.sweeps and webhook delivery in
apps.followups.webhooks.
"""

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import is_responder, is_supervisor
from apps.accounts.selectors import user_team_id
from apps.audit.services import audit_record
from apps.common.errors import ApplicationError, Conflict, NotFound, PermissionRefused
from apps.followups import conf
from apps.followups.consent import (
    SCOPE_FIELDS,
    consent_active,
    consent_problems,
    consent_validate,
    referral_consent_problems,
)
from apps.followups.endpoints import partner_endpoint_create, partner_endpoint_update
from apps.followups.models import FollowUp, FollowUpRule
from apps.followups.payloads import followup_payload
from apps.followups.referrals import (
    PARTNER_STATUSES,
    PROGRAM_STATUSES,
    REASON_REQUIRED,
    REFERRAL_TRANSITIONS,
    consent_revoke,
    referral_create,
    referral_streams,
    referral_transition,
)
from apps.followups.selectors import followups_visible_to
from apps.incidents.models import EncounterVersion
from apps.incidents.selectors import encounters_visible_to
from apps.streams.names import team_stream, user_stream
from apps.streams.services import stream_append
from apps.teams.models import Membership, Team

logger = logging.getLogger(__name__)

# --- follow-ups ---------------------------------------------------------------------------------


def _aware(value, field: str) -> datetime:
    if isinstance(value, str):
        value = parse_datetime(value)
    if not isinstance(value, datetime):
        raise ApplicationError(_("Give a date and time."), extra={field: [_("Enter a valid date and time.")]})
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_current_timezone())
    return value


def followup_event_data(f: FollowUp) -> dict:
    """Thin event data: ids and the fields a reminder needs; the full record is behind REST."""
    return {
        "followup": str(f.pk),
        "kind": f.kind,
        "status": f.status,
        "due_at": f.due_at.isoformat(),
        "team": f.team_id,
        "assignee": f.assignee_id,
        "encounter": str(f.encounter_id) if f.encounter_id else None,
        "responder": f.responder_id,
        "referral": str(f.referral_id) if f.referral_id else None,
    }


def followup_stream(f: FollowUp) -> str:
    """The assignee's own stream when a person is named, otherwise the team's."""
    return user_stream(f.assignee_id) if f.assignee_id else team_stream(f.team_id)


def _announce(f: FollowUp, *, kind: str) -> None:
    """Tell the tablets that work this follow-up, in the writer's transaction, so no list waits for a refresh."""
    stream_append(stream=followup_stream(f), kind=kind, data=followup_event_data(f))


def _may_work_followup(actor, f: FollowUp) -> bool:
    if is_supervisor(actor):
        return True
    if not is_responder(actor):
        return False
    return f.assignee_id == actor.pk or (f.team_id is not None and f.team_id == user_team_id(actor))


def _check_may_create(actor, *, team_id, assignee_id, encounter_id) -> None:
    if is_supervisor(actor):
        return
    if not is_responder(actor):
        raise PermissionRefused(_("Only responders and supervisors create follow-ups."))
    own_team = user_team_id(actor)
    if team_id is not None and team_id != own_team:
        raise PermissionRefused(_("You can create follow-ups only for your own team."))
    if (
        assignee_id is not None
        and assignee_id != actor.pk
        and (
            own_team is None
            or not Membership.objects.filter(user_id=assignee_id, team_id=own_team, active=True).exists()
        )
    ):
        raise PermissionRefused(_("You can assign follow-ups only to yourself or your teammates."))
    if encounter_id is not None and not encounters_visible_to(actor).filter(pk=encounter_id).exists():
        raise NotFound(_("No such encounter."))


def _check_people_exist(*, team_id, assignee_id, responder_id) -> None:
    errors = {}
    if team_id is not None and not Team.objects.filter(pk=team_id, active=True).exists():
        errors["team"] = ["No such team."]
    for field, user_id in (("assignee", assignee_id), ("responder", responder_id)):
        if user_id is not None and not User.objects.filter(pk=user_id, is_active=True).exists():
            errors[field] = ["No such person."]
    if errors:
        raise ApplicationError(_("Check who the follow-up is for."), extra=errors)


def followup_create(
    *,
    actor,
    kind: str,
    due_at,
    team_id=None,
    assignee_id=None,
    encounter_id=None,
    responder_id=None,
    notes: str = "",
    followup_id=None,
) -> FollowUp:
    """Create a follow-up. Replaying the same client id with the same content returns the first one."""
    if kind not in FollowUp.Kind.values:
        raise ApplicationError(_("Choose what kind of follow-up this is."), extra={"kind": [_("Not a known kind.")]})
    due_at = _aware(due_at, "due_at")
    if team_id is None and assignee_id is None:
        raise ApplicationError(
            _("Give a team or a person to do it."), extra={"team": [_("Give a team or an assignee.")]}
        )
    if followup_id is not None:
        existing = FollowUp.objects.filter(pk=followup_id).first()
        if existing is not None:
            _check_may_replay(actor, existing)
            return _same_followup_or_conflict(
                existing, kind, due_at, team_id, assignee_id, encounter_id, responder_id, notes
            )
    _check_may_create(actor, team_id=team_id, assignee_id=assignee_id, encounter_id=encounter_id)
    _check_people_exist(team_id=team_id, assignee_id=assignee_id, responder_id=responder_id)
    f = FollowUp(
        kind=kind,
        due_at=due_at,
        escalate_at=due_at + conf.grace(),
        team_id=team_id,
        assignee_id=assignee_id,
        encounter_id=encounter_id,
        responder_id=responder_id,
        notes=notes or "",
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if followup_id is not None:
        f.id = followup_id
    try:
        with transaction.atomic():
            f.save(force_insert=True)
            audit_record(actor=actor, action="followup.create", obj=f, detail={"kind": kind})
            _announce(f, kind="followup.created")
    except IntegrityError:
        existing = FollowUp.objects.filter(pk=f.pk).first()
        if existing is None:
            raise ApplicationError(_("That team or person does not exist.")) from None
        _check_may_replay(actor, existing)
        return _same_followup_or_conflict(
            existing, kind, due_at, team_id, assignee_id, encounter_id, responder_id, notes
        )
    return f


def _check_may_replay(actor, existing: FollowUp) -> None:
    """A replayed client id answers with the stored follow-up, so only someone who may read it (or
    who created it) gets that answer; anyone else learns nothing, not even the notes in a 409."""
    if existing.created_by_id is not None and existing.created_by_id == getattr(actor, "pk", None):
        return
    if not followups_visible_to(actor).filter(pk=existing.pk).exists():
        raise NotFound(_("No such follow-up."))


def _same_followup_or_conflict(existing, kind, due_at, team_id, assignee_id, encounter_id, responder_id, notes):
    same = (
        existing.kind == kind
        and existing.due_at == due_at
        and existing.team_id == team_id
        and existing.assignee_id == assignee_id
        and str(existing.encounter_id or "") == str(encounter_id or "")
        and existing.responder_id == responder_id
        and existing.notes == (notes or "")
    )
    if not same:
        raise Conflict(_("A different follow-up already has this id."), extra={"server": followup_payload(existing)})
    return existing


def followup_complete(*, actor, followup_id, outcome: str, notes: str = "", next_due_at=None) -> FollowUp:
    """Record the outcome; optionally schedule the next one (same kind, same people)."""
    if outcome not in FollowUp.Outcome.values:
        raise ApplicationError(_("Choose how it went."), extra={"outcome": [_("Not a known outcome.")]})
    if next_due_at is not None:
        next_due_at = _aware(next_due_at, "next_due_at")
    with transaction.atomic():
        f = FollowUp.objects.select_for_update().filter(pk=followup_id).first()
        if f is None or not _may_work_followup(actor, f):
            raise NotFound(_("No such follow-up."))
        if f.status == FollowUp.Status.DONE:
            if f.outcome == outcome:
                return f  # a replay from a tablet
            raise Conflict(_("This follow-up was already completed."), extra={"server": followup_payload(f)})
        if f.status == FollowUp.Status.CANCELLED:
            raise ApplicationError(_("This follow-up was cancelled."))
        now = timezone.now()
        f.status = FollowUp.Status.DONE
        f.outcome = outcome
        f.outcome_notes = notes or ""
        f.completed_at = now
        f.completed_by = actor
        f.version += 1
        f.save(update_fields=["status", "outcome", "outcome_notes", "completed_at", "completed_by", "version"])
        audit_record(actor=actor, action="followup.complete", obj=f, detail={"outcome": outcome})
        _announce(f, kind="followup.completed")
        if next_due_at is not None:
            following = FollowUp.objects.create(
                kind=f.kind,
                due_at=next_due_at,
                escalate_at=next_due_at + conf.grace(),
                team_id=f.team_id,
                assignee_id=f.assignee_id,
                encounter_id=f.encounter_id,
                responder_id=f.responder_id,
                referral_id=f.referral_id,
                previous=f,
                notes=notes or f.notes,
                created_by=actor,
            )
            audit_record(actor=actor, action="followup.create", obj=following, detail={"previous": str(f.pk)})
            _announce(following, kind="followup.created")
    return f


def followup_cancel(*, actor, followup_id, reason: str = "") -> FollowUp:
    if not is_supervisor(actor):
        raise PermissionRefused(_("Only supervisors cancel follow-ups."))
    with transaction.atomic():
        f = FollowUp.objects.select_for_update().filter(pk=followup_id).first()
        if f is None:
            raise NotFound(_("No such follow-up."))
        if f.is_finished:
            return f
        f.status = FollowUp.Status.CANCELLED
        f.outcome_notes = reason
        f.version += 1
        f.save(update_fields=["status", "outcome_notes", "version"])
        audit_record(actor=actor, action="followup.cancel", obj=f, detail={"reason": reason})
        _announce(f, kind="followup.cancelled")
    return f


def followup_create_once(*, origin_key: str, **fields) -> FollowUp | None:
    """Create a system follow-up unless one with this origin already exists (the unique key decides)."""
    due_at = fields["due_at"]
    grace = fields.pop("grace", None) or conf.grace()
    try:
        with transaction.atomic():
            f = FollowUp.objects.create(origin_key=origin_key, escalate_at=due_at + grace, **fields)
            audit_record(actor=None, action="followup.create", obj=f, door="task", detail={"origin": origin_key})
            return f
    except IntegrityError:
        return None


def followups_apply_rules(*, encounter_version, rules: list[FollowUpRule] | None = None) -> list[FollowUp]:
    """Raise the follow-ups the program's rules ask for after an encounter version is recorded.

    Safe to call more than once per version (and for every later version of the encounter): each
    rule raises at most one follow-up per encounter. `rules`: the active rules, when the caller
    applies them to many versions at once.
    """
    version = encounter_version
    encounter = version.encounter
    created = []
    if rules is None:
        rules = list(FollowUpRule.objects.filter(active=True).order_by("pk"))
    for rule in rules:
        if not rule.matches(version):
            continue
        team_id = encounter.team_id
        assignee_id = None
        if rule.target == FollowUpRule.Target.AUTHOR or team_id is None:
            assignee_id = version.authored_by_id
        due_at = (version.created_at or timezone.now()) + timedelta(hours=rule.due_after_hours)
        f = followup_create_once(
            origin_key=f"rule:{rule.pk}:encounter:{encounter.pk}",
            kind=rule.kind,
            due_at=due_at,
            grace=timedelta(hours=rule.grace_hours) if rule.grace_hours is not None else None,
            team_id=team_id if assignee_id is None else None,
            assignee_id=assignee_id,
            encounter_id=encounter.pk,
            responder_id=version.authored_by_id if rule.kind == FollowUp.Kind.WELLNESS_DEBRIEF else None,
            rule=rule,
            notes=rule.notes or rule.name,
        )
        if f is not None:
            created.append(f)
    return created


# What the rules and the follow-ups they raise read of a version: not its narrative or the person
# (encrypted, and decrypting them for a rule that never looks would be work for nothing).
RULED_FIELDS = (
    "id",
    "disposition",
    "referral_needed",
    "followup_needed",
    "authored_by_id",
    "created_at",
    "encounter__id",
    "encounter__team_id",
)


def followups_on_encounter_recorded(*, encounter_version_ids: list) -> None:
    """Apply the rules now instead of at the next sweep, once encounter versions are committed.

    The rules and the versions are read once for all of them (a tablet's batch records many). Never
    raises into the caller, and one version that fails does not stop the others; the sweep catches
    anything missed. Runs on incidents' `encounter_recorded` hook (connected in FollowupsConfig.ready).
    """
    try:
        rules = list(FollowUpRule.objects.filter(active=True).order_by("pk"))
        versions = (
            EncounterVersion.objects.select_related("encounter")
            .filter(pk__in=encounter_version_ids)
            .only(*RULED_FIELDS)
            .order_by("pk")
            if rules
            else []
        )
    except Exception:
        logger.exception("follow-up rules for encounter versions %s failed", encounter_version_ids)
        return
    for version in versions:
        try:
            followups_apply_rules(encounter_version=version, rules=rules)
        except Exception:
            logger.exception("follow-up rules for encounter version %s failed", version.pk)


def on_encounter_recorded(sender, *, encounter_version_ids, **kwargs) -> None:
    """Receiver of apps.incidents.hooks.encounter_recorded."""
    followups_on_encounter_recorded(encounter_version_ids=encounter_version_ids)


__all__ = [
    "PARTNER_STATUSES",
    "PROGRAM_STATUSES",
    "REASON_REQUIRED",
    "REFERRAL_TRANSITIONS",
    "SCOPE_FIELDS",
    "consent_active",
    "consent_problems",
    "consent_revoke",
    "consent_validate",
    "followup_cancel",
    "followup_complete",
    "followup_create",
    "followup_create_once",
    "followup_event_data",
    "followup_stream",
    "followups_apply_rules",
    "followups_on_encounter_recorded",
    "on_encounter_recorded",
    "partner_endpoint_create",
    "partner_endpoint_update",
    "referral_consent_problems",
    "referral_create",
    "referral_streams",
    "referral_transition",
]
