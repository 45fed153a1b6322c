"""How call centers authenticate (`Authorization: Api-Key <key>`) and how fast each key may send."""

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from apps.common.throttles import ClientAddressThrottle
from apps.intake.services import api_key_authenticate, intake_refused

KEYWORD = "Api-Key"


def _refuse(reason: str):
    intake_refused(actor=None, action="intake.api_key.refused", reason=reason)
    return exceptions.AuthenticationFailed(_("That API key is not valid, or it has been revoked."))


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """A call center's key in the Authorization header; the request then acts as its service user."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _space, raw = header.partition(" ")
        if scheme.lower() != KEYWORD.lower():
            return None
        key = api_key_authenticate(raw)
        if key is None:
            raise _refuse("unknown or revoked key")
        return key.call_center.service_user, key

    def authenticate_header(self, request):
        return KEYWORD


class Open311KeyAuthentication(ApiKeyAuthentication):
    """Open311 carries the key as the `api_key` parameter (form field or query string)."""

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is not None:
            return found
        raw = request.POST.get("api_key") or request.query_params.get("api_key")
        if not raw:
            return None
        key = api_key_authenticate(raw)
        if key is None:
            raise _refuse("unknown or revoked Open311 api_key")
        return key.call_center.service_user, key


class IntakeThrottle(ClientAddressThrottle):
    """The "intake" rate, counted per API key (not per address: a center may sit behind one NAT)."""

    scope = "intake"

    def get_cache_key(self, request, view):
        key = getattr(request, "auth", None)
        ident = f"key-{key.prefix}" if hasattr(key, "prefix") else f"user-{request.user.pk}"
        if not request.user.is_authenticated:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
