"""End sessions that went idle for longer than the role allows, outlived their absolute lifetime, or
whose tablet was revoked; and hold back sessions that still owe a second factor (FIRSTLINE_MFA_ROLES).

Sessions opened by a door that does not stamp them (the admin's login form, Django's LoginView) are
stamped on their first request here, so every session has a start and a fixed end.
"""

from channels.auth import AuthMiddleware, get_user
from channels.middleware import BaseMiddleware
from channels.sessions import CookieMiddleware, SessionMiddleware
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from apps.accounts.models import Device, DeviceSession
from apps.accounts.selectors import idle_limit_seconds, second_factor_pending
from apps.accounts.services import SESSION_DEVICE_KEY, SESSION_LAST_ACTIVE_KEY, SESSION_STARTED_KEY, session_start
from apps.common.live import live_read

TOUCH_EVERY_SECONDS = 30


class SessionGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            refusal = self._refusal(request, user)
            if refusal is not None:
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": refusal[1], "code": refusal[0]}, status=401)
                return redirect(f"/accounts/login/?next={request.path}&ended={refusal[0]}")
        elif request.path.startswith("/api/") and self._session_of_revoked_device(request):
            # Revocation deleted the session, so the tablet arrives anonymous: tell it why, so it wipes.
            return JsonResponse(
                {"detail": _("This tablet has been revoked by a supervisor."), "code": "device_revoked"}, status=401
            )
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and SESSION_STARTED_KEY not in request.session:
            session_start(session=request.session)  # signed in during this request by a door that did not stamp
        return response

    @staticmethod
    def _session_of_revoked_device(request) -> bool:
        key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        return bool(key) and DeviceSession.objects.filter(session_key=key, device__revoked_at__isnull=False).exists()

    def _refusal(self, request, user) -> tuple[str, str] | None:
        now = timezone.now().timestamp()
        session = request.session
        device_id = session.get(SESSION_DEVICE_KEY)
        if device_id:
            # Kept on the request: a tablet's door needs the same row and need not read it again.
            request.session_device = Device.objects.filter(pk=device_id).first()
            if request.session_device is not None and request.session_device.revoked_at is not None:
                return "device_revoked", _("This tablet has been revoked by a supervisor.")
        started = session.get(SESSION_STARTED_KEY)
        if started is None:
            session_start(session=session)
        elif now - float(started) > settings.FIRSTLINE_SESSION_ABSOLUTE_HOURS * 3600:
            return "session_expired", _("Your session reached its time limit. Sign in again.")
        last = session.get(SESSION_LAST_ACTIVE_KEY)
        if last is not None and now - float(last) > idle_limit_seconds(user):
            return "idle_timeout", _("You were signed out after being idle. Sign in again.")
        if last is None or now - float(last) > TOUCH_EVERY_SECONDS:
            session[SESSION_LAST_ACTIVE_KEY] = now
        return None


# Where a session that still owes its second factor may go: signing in and out, the second-factor
# page and API, static files. Everything else (the admin, every supervisor page and API) waits.
SECOND_FACTOR_OPEN_PATHS = ("/accounts/", "/api/v1/auth/", "/static/", "/healthz")


class SecondFactorMiddleware:
    """Roles in FIRSTLINE_MFA_ROLES reach nothing but the second-factor page until they give one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and not request.path.startswith(SECOND_FACTOR_OPEN_PATHS)
            and second_factor_pending(user, request.session)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "detail": _("Your role needs a second factor: give a code at /accounts/second-factor/ first."),
                        "code": "second_factor_required",
                    },
                    status=403,
                )
            return redirect("/accounts/second-factor/?" + urlencode({"next": request.get_full_path()}))
        return self.get_response(request)


class WebsocketAuthMiddleware(AuthMiddleware):
    """channels' AuthMiddleware, its session and user read on the live threads (apps/common/live.py):
    on the request thread a busy process let daphne drop handshakes it had not accepted in 5 s."""

    async def resolve_scope(self, scope):
        scope["user"]._wrapped = await live_read(get_user.func)(scope)


def websocket_auth_stack(inner):
    """What `channels.auth.AuthMiddlewareStack` builds, with the user read on the live threads."""
    return CookieMiddleware(SessionMiddleware(WebsocketAuthMiddleware(inner)))


class SecondFactorWebsocketMiddleware(BaseMiddleware):
    """The same rule for the live stream: a session owing its second factor follows nothing."""

    async def __call__(self, scope, receive, send):
        user = scope.get("user")
        if user is not None and await live_read(second_factor_pending)(user, scope.get("session")):
            scope = {**scope, "user": AnonymousUser()}
        return await super().__call__(scope, receive, send)
