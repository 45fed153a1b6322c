"""The public feedback form on the transparency pages (no sign-in, English and Spanish)."""

from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from apps.common.errors import ApplicationError, TooManyAttempts
from apps.common.net import client_address_of
from apps.feedback.forms import CommunityFeedbackForm
from apps.feedback.services import community_feedback_submit


@require_http_methods(["GET", "POST"])
def community_feedback(request):
    form = CommunityFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            return render(request, "feedback/thanks.html")  # a script: thanked, and nothing kept
        try:
            community_feedback_submit(
                kind=form.cleaned_data["kind"],
                message=form.cleaned_data["message"],
                contact=form.cleaned_data["contact"],
                language=translation.get_language() or "",
                address=client_address_of(request) or "",
            )
        except TooManyAttempts as refusal:
            return render(request, "feedback/form.html", {"form": form, "refusal": refusal.message}, status=429)
        except ApplicationError as refusal:
            for field, messages in refusal.extra.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
            return render(request, "feedback/form.html", {"form": form}, status=400)
        return render(request, "feedback/thanks.html")
    status = 400 if request.method == "POST" else 200
    return render(request, "feedback/form.html", {"form": form}, status=status)
