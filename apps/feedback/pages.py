"""The public pages of feedback (no sign-in, English and Spanish): the community form on the
transparency pages, and the feedback card's page at /f/<token>/."""

from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from apps.common.errors import ApplicationError, NotFound, TooManyAttempts
from apps.common.net import client_address_of
from apps.feedback.forms import CardAnswerForm, CommunityFeedbackForm
from apps.feedback.selectors import card_state, card_token, feedback_card_for
from apps.feedback.services import CardAnswered, CardExpired, community_feedback_submit, feedback_card_answer


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


CLOSED_STATUS = {"unknown": 404, "expired": 410, "answered": 200}


def _closed(request, state: str, *, status: int | None = None):
    response = render(request, "feedback/card_closed.html", {"state": state}, status=status or CLOSED_STATUS[state])
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def feedback_card(request, token: str):
    """The person served answers a feedback card, once, with no sign-in. An unknown link and a
    malformed one get the same page, which says nothing about any encounter."""
    state = card_state(feedback_card_for(token))
    if request.method == "GET":
        if state != "open":
            return _closed(request, state)
        response = render(request, "feedback/card.html", {"form": CardAnswerForm()})
        response["Cache-Control"] = "no-store"
        return response
    form = CardAnswerForm(request.POST)
    if not form.is_valid():
        return render(request, "feedback/card.html", {"form": form}, status=400)
    try:
        feedback_card_answer(
            token=card_token(token) or "",
            language=translation.get_language() or "",
            address=client_address_of(request) or "",
            **form.cleaned_data,
        )
    except TooManyAttempts as refusal:
        return render(request, "feedback/card.html", {"form": form, "refusal": refusal.message}, status=429)
    except NotFound:
        return _closed(request, "unknown")
    except CardExpired:
        return _closed(request, "expired")
    except CardAnswered:
        return _closed(request, "answered", status=409)
    except ApplicationError as refusal:
        for field, messages in refusal.extra.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
        return render(request, "feedback/card.html", {"form": form}, status=400)
    return _closed(request, "thanks", status=200)
