"""Versions of the eligibility policy: a draft is copied from the latest and edited; a published
version is never edited again, so every screening decision names the rules it was made under.
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.common.errors import ApplicationError, NotFound
from apps.intake.models import (
    Policy,
    PolicyCallType,
    PolicyVersion,
    PriorityTarget,
    ScreeningQuestion,
    UnansweredCritical,
)
from apps.intake.services.keys import _check_supervisor_or_shell
from apps.streams.names import BOARD
from apps.streams.services import streams_append


def policy_version_draft(*, actor, policy_id) -> PolicyVersion:
    """A new draft copied from the latest version, to edit and then publish."""
    _check_supervisor_or_shell(actor)
    with transaction.atomic():
        policy = Policy.objects.select_for_update().filter(pk=policy_id).first()
        if policy is None:
            raise NotFound(_("No such policy."))
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


def policy_version_edit(*, actor, version_id, notes: str, unanswered_critical: str) -> PolicyVersion:
    """A draft's notes and its rule for unanswered critical questions; a published version is frozen."""
    _check_supervisor_or_shell(actor)
    with transaction.atomic():
        version = PolicyVersion.objects.select_for_update().filter(pk=version_id).first()
        if version is None:
            raise NotFound(_("No such policy version."))
        wanted = {"notes": notes or "", "unanswered_critical": unanswered_critical}
        changed = sorted(field for field, value in wanted.items() if getattr(version, field) != value)
        if not changed:
            return version
        if version.is_published:
            raise ApplicationError(_("This version is already published."))
        for field in changed:
            setattr(version, field, wanted[field])
        version.full_clean()  # the model's own choices for unanswered_critical
        version.save(update_fields=changed)
        audit_record(actor=actor, action="intake.policy.edit", obj=version, detail={"fields": changed})
    return version


def policy_version_publish(*, actor, version_id) -> PolicyVersion:
    """Freeze a draft and put it in force. Decisions made under older versions keep theirs."""
    _check_supervisor_or_shell(actor)
    with transaction.atomic():
        version = PolicyVersion.objects.select_for_update().filter(pk=version_id).first()
        if version is None:
            raise NotFound(_("No such policy version."))
        if version.is_published:
            raise ApplicationError(_("This version is already published."))
        if not version.call_types.exists():
            raise ApplicationError(_("A policy must take at least one call type before it is published."))
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
