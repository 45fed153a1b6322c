"""A supervisor's review of a screened-out call: could the team have served it? (issue 15, item 1)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import is_supervisor
from apps.audit.services import audit_record
from apps.common.errors import ApplicationError, NotFound, PermissionRefused
from apps.intake.models import REVIEW_NOTE_MAX, CouldHaveServed, ResponseType, ScreeningDecision, ScreeningReview


def screening_review(*, actor, decision_id, could_have_served: str, note: str = "") -> ScreeningReview:
    """Record (or replace) the review of one screened-out call. Only a supervisor reviews; the
    answer replaced is kept in the audit row, the note's words are not."""
    if not is_supervisor(actor):
        raise PermissionRefused(_("Only a supervisor can review a screened-out call."))
    if could_have_served not in CouldHaveServed.values:
        raise ApplicationError(
            _("Answer yes, no or unsure."), extra={"could_have_served": [_("Choose yes, no or unsure.")]}
        )
    note = (note or "").strip()
    if len(note) > REVIEW_NOTE_MAX:
        message = _("Keep the note under %(n)s characters.") % {"n": REVIEW_NOTE_MAX}
        raise ApplicationError(message, extra={"note": [message]})
    with transaction.atomic():
        decision = ScreeningDecision.objects.select_for_update().filter(pk=decision_id).first()
        if decision is None:
            raise NotFound(_("No such screening decision."))
        if decision.response_type != ResponseType.NOT_ELIGIBLE:
            raise ApplicationError(
                _("Only a screened-out call is reviewed this way."),
                extra={"decision": [_("This call was screened in.")]},
            )
        review = ScreeningReview.objects.filter(decision=decision).first()
        previous = review.could_have_served if review else ""
        if review is None:
            review = ScreeningReview(decision=decision)
        review.could_have_served = could_have_served
        review.note = note
        review.reviewed_by = actor
        review.reviewed_at = timezone.now()
        review.save()
        audit_record(
            actor=actor,
            action="intake.screening_review",
            obj=review,
            detail={
                "decision": decision.pk,
                "could_have_served": could_have_served,
                "previous": previous,
                "with_note": bool(note),
            },
        )
    return review
