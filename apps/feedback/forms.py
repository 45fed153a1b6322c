"""The public feedback form: three kinds, the message, an optional way to answer, and a field
people never see (a form that fills it is a script's)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.feedback.models import FeedbackKind
from apps.feedback.services import COMMENT_LIMIT, CONTACT_LIMIT, MESSAGE_LIMIT


class CommunityFeedbackForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What would you like to tell us?"), choices=FeedbackKind.choices, widget=forms.RadioSelect
    )
    message = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Please do not write anyone's health details here."),
    )
    contact = forms.CharField(
        label=_("How can we answer you? (optional)"),
        max_length=CONTACT_LIMIT,
        required=False,
        help_text=_("A phone number or an e-mail address. Leave it empty to stay anonymous."),
    )
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # people never fill this


def _replies(*, partly):
    return [("yes", _("Yes")), ("partly", partly), ("no", _("No"))]


class CardAnswerForm(forms.Form):
    """The feedback card's questions: three taps and a few words, all optional but one."""

    respect = forms.ChoiceField(
        label=_("Were you treated with respect?"),
        choices=_replies(partly=_("Partly")),
        widget=forms.RadioSelect,
        required=False,
    )
    needs_met = forms.ChoiceField(
        label=_("Did you get what you needed?"),
        choices=_replies(partly=_("Partly")),
        widget=forms.RadioSelect,
        required=False,
    )
    call_again = forms.ChoiceField(
        label=_("Would you call us again if you needed to?"),
        choices=_replies(partly=_("Maybe")),
        widget=forms.RadioSelect,
        required=False,
    )
    comment = forms.CharField(
        label=_("Anything else you want to tell us? (optional)"),
        max_length=COMMENT_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Please do not write names or health details."),
    )
