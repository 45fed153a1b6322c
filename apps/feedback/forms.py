"""The public feedback form: three kinds, the message, an optional way to answer, and a field
people never see (a form that fills it is a script's)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.feedback.models import FeedbackKind
from apps.feedback.services import CONTACT_LIMIT, MESSAGE_LIMIT


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
