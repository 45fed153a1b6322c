"""Writes about feedback and outreach: a message from the public form, a supervisor reviewing and
answering it, and outreach or training events recorded by supervisors. Each is audited."""

import hashlib

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import is_supervisor
from apps.audit.services import audit_record
from apps.common.errors import ApplicationError, PermissionRefused, TooManyAttempts
from apps.feedback import conf
from apps.feedback.models import CommunityFeedback, FeedbackKind, FeedbackStatus, OutreachEvent

MESSAGE_LIMIT = 3000
CONTACT_LIMIT = 200


def _count_sender(address: str) -> None:
    """At most `conf.community_per_hour()` messages an hour from one address (a hash of it is the
    key, so the cache never holds the address itself)."""
    key = "feedback:sent:" + hashlib.sha256((address or "unknown").encode()).hexdigest()[:32]
    cache.add(key, 0, timeout=3600)
    try:
        sent = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        sent = 1
    if sent > conf.community_per_hour():
        raise TooManyAttempts(
            _("Thank you: we have several messages from this connection in the last hour. Please try again later.")
        )


def community_feedback_submit(
    *, kind: str, message: str, contact: str = "", language: str = "", address: str
) -> CommunityFeedback:
    """A message from the public form. Nothing identifies the sender but what they choose to write."""
    message, contact = (message or "").strip(), (contact or "").strip()
    errors = {}
    if kind not in FeedbackKind.values:
        errors["kind"] = [_("Choose compliment, concern or suggestion.")]
    if not message:
        errors["message"] = [_("Write your message.")]
    elif len(message) > MESSAGE_LIMIT:
        errors["message"] = [_("Keep it under %(limit)s characters.") % {"limit": MESSAGE_LIMIT}]
    if len(contact) > CONTACT_LIMIT:
        errors["contact"] = [_("Keep it under %(limit)s characters.") % {"limit": CONTACT_LIMIT}]
    if errors:
        raise ApplicationError(_("Please check the form."), extra=errors)
    _count_sender(address)
    with transaction.atomic():
        feedback = CommunityFeedback.objects.create(
            kind=kind, message=message, contact=contact, language=language[:10], received_at=timezone.now()
        )
        audit_record(actor=None, action="community_feedback.receive", obj=feedback, detail={"kind": kind})
    return feedback


def community_feedback_handle(
    *, actor, feedback: CommunityFeedback, status: str, answer: str = ""
) -> CommunityFeedback:
    """A supervisor marks a message reviewed, or answered with what was said or done. The first
    time each step happens is kept: the program's response time is measured from them."""
    if not is_supervisor(actor):
        raise PermissionRefused(_("Only a supervisor handles community feedback."))
    if status not in FeedbackStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    answer = (answer or "").strip()
    if status == FeedbackStatus.ANSWERED and not answer:
        raise ValidationError({"answer": _("Write what was answered or done before marking it answered.")})
    now = timezone.now()
    with transaction.atomic():
        feedback.status, feedback.answer, feedback.handled_by = status, answer, actor
        if status in {FeedbackStatus.REVIEWED, FeedbackStatus.ANSWERED} and feedback.reviewed_at is None:
            feedback.reviewed_at = now
        if status == FeedbackStatus.ANSWERED and feedback.answered_at is None:
            feedback.answered_at = now
        feedback.save()
        audit_record(actor=actor, action="community_feedback.handle", obj=feedback, detail={"status": status})
    return feedback


def outreach_save(*, actor, event: OutreachEvent, changed: list[str] | None = None) -> OutreachEvent:
    """A supervisor records an outreach event or a call-center training session."""
    if not is_supervisor(actor):
        raise PermissionRefused(_("Only a supervisor records outreach and training."))
    creating = event.pk is None
    if creating:
        event.recorded_by = actor
    event.full_clean()
    with transaction.atomic():
        event.save()
        audit_record(
            actor=actor,
            action="outreach.create" if creating else "outreach.update",
            obj=event,
            detail={"fields": sorted(changed or []), "kind": event.kind},
        )
    return event
