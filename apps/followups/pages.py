"""Pages: the partner inbox (/partners/) and the supervisor's follow-up page. Forms call services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.roles import Role, is_supervisor, role_of
from apps.audit.services import audit_record
from apps.common.errors import ApplicationError, NotFound
from apps.followups import selectors, services
from apps.followups.disclosure import REDISCLOSURE_NOTICE
from apps.followups.models import Referral
from apps.followups.referrals import referral_partner_next
from apps.followups.webhooks import webhook_retry
from apps.followups.wording import reason_words, shared_in_words, what_they_need

# The button for each step a partner may take; which steps are open is the service's rule.
PARTNER_ACTION_LABELS = {
    Referral.Status.ACCEPTED: gettext_lazy("Accept"),
    Referral.Status.DECLINED: gettext_lazy("Decline"),
    Referral.Status.IN_PROGRESS: gettext_lazy("Mark in progress"),
    Referral.Status.DELIVERED: gettext_lazy("Service delivered"),
    Referral.Status.NOT_DELIVERED: gettext_lazy("Not delivered"),
    Referral.Status.CLOSED: gettext_lazy("Close"),
}


def _partner_only(request) -> None:
    if role_of(request.user) != Role.PARTNER:
        raise PermissionDenied(_("The partner inbox is for partner organizations."))


@login_required
def partner_inbox(request):
    _partner_only(request)
    status = request.GET.get("status") or None
    if status and status not in Referral.Status.values:
        status = None
    rows = list(selectors.partner_referrals(user=request.user, status=status)[:200])
    audit_record(
        actor=request.user,
        action="referral.list",
        object_type="followups.referral",
        detail={"count": len(rows), "status": status or ""},
        record_ids=[r.pk for r in rows],
    )
    items = [
        (r, what_they_need(selectors.referral_disclose(referral=r, recipient=request.user)["shared"])) for r in rows
    ]
    return render(
        request,
        "followups/partner_inbox.html",
        {
            "items": items,
            "status": status,
            "statuses": [(s, label) for s, label in Referral.Status.choices if s != Referral.Status.DRAFT],
            "organization": request.user.partner_organization,
            "notice": REDISCLOSURE_NOTICE,
        },
    )


@login_required
def partner_referral(request, referral_id):
    _partner_only(request)
    try:
        referral = selectors.referral_get_for(user=request.user, referral_id=referral_id)
    except NotFound:
        raise Http404("No such referral.") from None
    disclosure = selectors.referral_disclose(referral=referral, recipient=request.user)
    shared = shared_in_words(disclosure["shared"])
    return render(
        request,
        "followups/partner_referral.html",
        {
            "referral": referral,
            "disclosure": disclosure,
            "shared": shared,
            "need": what_they_need(disclosure["shared"]),
            "origin": selectors.referral_origin(referral),
            "history": [(step, reason_words(step.reason)) for step in referral.history.all()],
            "status_reason": reason_words(referral.status_reason),
            "actions": [
                (status, PARTNER_ACTION_LABELS[status], needs_reason)
                for status, needs_reason in referral_partner_next(referral.status)
            ],
            "not_delivered_reasons": Referral.NotDeliveredReason.choices,
        },
    )


def _yes_no(value) -> bool | None:
    """An optional yes/no radio: unanswered is None, never a no."""
    return {"yes": True, "no": False}.get(value or "")


@login_required
@require_POST
def partner_transition(request, referral_id):
    _partner_only(request)
    status = request.POST.get("status", "")
    reason = request.POST.get("reason", "")
    try:
        services.referral_transition(
            actor=request.user,
            referral_id=referral_id,
            status=status,
            reason=reason,
            handoff_info_enough=_yes_no(request.POST.get("handoff_info_enough")),
            handoff_timely=_yes_no(request.POST.get("handoff_timely")),
        )
    except NotFound:
        raise Http404("No such referral.") from None
    except ApplicationError as error:
        details = "; ".join(
            str(m) for values in error.extra.values() for m in (values if isinstance(values, list) else [values])
        )
        messages.error(request, f"{error.message} {details}".strip())
    else:
        messages.success(request, _("Saved. The referring team has been told."))
    return redirect("partner-referral", referral_id=referral_id)


def _supervisor_only(request) -> None:
    if not is_supervisor(request.user):
        raise PermissionDenied(_("This page is for supervisors."))


@login_required
def supervision(request):
    _supervisor_only(request)
    overview = selectors.supervision_overview()
    audit_record(actor=request.user, action="followup.supervision_view", object_type="followups.followup")
    return render(request, "followups/supervision.html", overview)


@login_required
@require_POST
def supervision_retry(request, delivery_id):
    _supervisor_only(request)
    try:
        webhook_retry(actor=request.user, delivery_id=delivery_id)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The delivery will be tried again within a minute."))
    return redirect("followups-supervision")
