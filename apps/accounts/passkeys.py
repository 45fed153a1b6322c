"""Passkeys and security keys as a second factor: django-otp-webauthn's ceremonies behind our doors.

The library does the WebAuthn work (options, py_webauthn's checks of origin, relying party,
challenge, signature and signature counter) and ships the browser script; these doors only carry
JSON to apps.accounts.services, which decide who may register, use or remove a key and audit it.
The URL names are the library's, so its templates and script find them.
"""

from django.conf import settings
from django.http import JsonResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.views import BaseWebAuthnView

from apps.accounts import services
from apps.common.errors import ApplicationError, CredentialsRefused


def relying_party_id(request) -> str:
    """The host name keys are bound to: the configured one, or (embedded run, tests) the page's own."""
    return settings.FIRSTLINE_WEBAUTHN_RP_ID or request.get_host().rsplit(":", 1)[0].strip("[]")


class PasskeyHelper(WebAuthnHelper):
    """The library's helper, with origins from FIRSTLINE_WEBAUTHN_ORIGINS.

    Without configured origins (never in production: its settings refuse to start) only the origin
    the page itself was served on is accepted, so the embedded run works on http://localhost:8000.
    """

    def get_allowed_origins(self) -> list[str]:
        if settings.FIRSTLINE_WEBAUTHN_ORIGINS:
            return list(settings.FIRSTLINE_WEBAUTHN_ORIGINS)
        return [f"{self.request.scheme}://{self.request.get_host()}"]


@method_decorator(never_cache, name="dispatch")
class PasskeyDoor(BaseWebAuthnView):
    """JSON in and out, as the library's script expects; our refusals answer like its own."""

    http_method_names = ["post"]

    def handle_exception(self, exc):
        if isinstance(exc, ApplicationError):
            code = exc.extra.get("code", "refused")
            return JsonResponse({"detail": exc.message, "code": code}, status=exc.status_code)
        return super().handle_exception(exc)

    def initial(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise CredentialsRefused(_("Sign in with your password first."), extra={"code": "not_authenticated"})


class RegistrationBeginDoor(PasskeyDoor):
    def post(self, request):
        return JsonResponse(services.passkey_registration_begin(request=request))


class RegistrationCompleteDoor(PasskeyDoor):
    def post(self, request):
        credential = services.passkey_registration_complete(request=request, data=request.data)
        return JsonResponse({"id": credential.pk})


class VerificationBeginDoor(PasskeyDoor):
    def post(self, request):
        return JsonResponse(services.passkey_verification_begin(request=request))


class VerificationCompleteDoor(PasskeyDoor):
    def post(self, request):
        credential = services.passkey_verify(request=request, data=request.data)
        target = request.GET.get("next") or "/"
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = "/"
        return JsonResponse({"id": credential.pk, "redirect_url": target})


urlpatterns = [
    path("registration/begin/", RegistrationBeginDoor.as_view(), name="credential-registration-begin"),
    path("registration/complete/", RegistrationCompleteDoor.as_view(), name="credential-registration-complete"),
    path("authentication/begin/", VerificationBeginDoor.as_view(), name="credential-authentication-begin"),
    path("authentication/complete/", VerificationCompleteDoor.as_view(), name="credential-authentication-complete"),
    # The words of the library's script (translations it ships), served as a script from our host.
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
]
