"""The sign-in form of the HTML pages."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import is_responder


class PageLoginForm(AuthenticationForm):
    """Responders sign in only in the field app, on an enrolled tablet: a session opened here would be
    bound to no tablet, so revoking their tablet could be sidestepped by signing in on a page."""

    device_required = False

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if is_responder(user):
            self.device_required = True
            raise forms.ValidationError(
                _("Responders sign in in the field app (/field/) on an enrolled tablet."), code="device_required"
            )
