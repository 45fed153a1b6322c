"""Response headers that keep a browser from leaking or running what it should not.

Content-Security-Policy comes from django-csp (settings.CONTENT_SECURITY_POLICY); this module only
adds the websocket origin of the host that served the page, which a static setting cannot know.
Permissions-Policy and Cache-Control are set here because they depend on the path and on who asks.
These middlewares never look at a record: they decide from the path and the signed-in flag alone.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.utils.cache import add_never_cache_headers


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy, with ws:// and wss:// of this very host allowed for the live streams."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        try:
            host = request.get_host()
        except DisallowedHost:
            return parts
        update = dict(parts.update or {})
        update["connect-src"] = [*update.get("connect-src", []), f"ws://{host}", f"wss://{host}"]
        parts.update = update
        return parts


def permissions_policy_for(path: str) -> str:
    features = dict(settings.FIRSTLINE_PERMISSIONS_POLICY)
    for prefix, overrides in settings.FIRSTLINE_PERMISSIONS_POLICY_BY_PATH.items():
        if path.startswith(prefix):
            features.update(overrides)
    return ", ".join(f"{feature}={allowlist}" for feature, allowlist in sorted(features.items()))


def holds_personal_data(request, response) -> bool:
    """Every API answer except the public ones; every page answered to a signed-in person."""
    path = request.path_info
    if path.startswith("/api/"):
        return not path.startswith(tuple(settings.FIRSTLINE_CACHEABLE_API_PREFIXES))
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return (signed_in or path.startswith("/admin/")) and not response.has_header("Cache-Control")


class PrivacyHeadersMiddleware:
    """Permissions-Policy on every answer; no-store on every answer that may hold a person's record."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", permissions_policy_for(request.path_info))
        if holds_personal_data(request, response):
            if response.has_header("Cache-Control"):
                del response.headers["Cache-Control"]
            add_never_cache_headers(response)
        return response
