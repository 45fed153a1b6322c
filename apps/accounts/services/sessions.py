"""Signing in and out: the password, the tablet it must happen on, the session's lifetime, the
lockout after too many failures (and its early lift by an administrator), and a person's own
language.
"""

from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.hooks import session_ended
from apps.accounts.models import Device, DeviceSession, User
from apps.accounts.roles import is_responder, may_manage_account
from apps.accounts.selectors import SESSION_DEVICE_KEY, SESSION_LAST_ACTIVE_KEY
from apps.accounts.services.devices import DEVICE_REQUIRED, device_key_matches, device_seen
from apps.audit.models import Outcome
from apps.audit.services import audit_record
from apps.common.errors import ApplicationError, CredentialsRefused, PermissionRefused, TooManyAttempts
from apps.common.language import supported

SESSION_STARTED_KEY = "firstline_started"


def session_start(*, session) -> None:
    """Stamp when a session began and pin its expiry there: activity never pushes the end later."""
    now = timezone.now()
    session[SESSION_STARTED_KEY] = now.timestamp()
    session[SESSION_LAST_ACTIVE_KEY] = now.timestamp()
    session.set_expiry(now + timedelta(hours=settings.FIRSTLINE_SESSION_ABSOLUTE_HOURS))


def _refuse_login(user: User, reason: str, device_id, error: ApplicationError) -> None:
    audit_record(
        actor=user,
        action="auth.login",
        obj=user,
        outcome=Outcome.DENIED,
        detail={"reason": reason, "device": str(device_id) if device_id else None},
    )
    raise error


def locked_out_message() -> str:
    """What every door says to a locked-out account or address: the same words, and how long."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return ngettext(
        "Too many failed sign-ins for this account or from this address. Sign-in is locked for "
        "%(minutes)d minute, even with the right password; an administrator can unlock it sooner.",
        "Too many failed sign-ins for this account or from this address. Sign-in is locked for "
        "%(minutes)d minutes, even with the right password; an administrator can unlock it sooner.",
        minutes,
    ) % {"minutes": minutes}


def auth_login(*, request, username: str, password: str, device_id=None, device_key: str | None = None) -> User:
    """Check the password and the tablet, and open a session bound to that tablet.

    Responders sign in only on an enrolled tablet (its id and key). A tablet that is named must
    prove itself with its key, whoever signs in; a revoked tablet's key is refused.

    The attempt itself is audited by `login_attempt_record` (Django's sign-in signals), the same
    for this door as for the sign-in page and the admin; a locked-out account or address is
    refused by django-axes before the password is even checked.
    """
    user = authenticate(request, username=username, password=password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise TooManyAttempts(locked_out_message(), extra={"code": "locked_out"})
        raise PermissionRefused(_("That username and password do not match an active account."))
    device = None
    if device_id or is_responder(user):
        device = Device.objects.filter(pk=device_id).first() if device_id else None
        if device is None or not device_key_matches(device, device_key):
            _refuse_login(
                user,
                "no enrolled tablet" if not device_id else "device key refused",
                device_id,
                CredentialsRefused(
                    _("Sign in on an enrolled tablet. Enroll this one with the code your supervisor gives you."),
                    extra={"code": DEVICE_REQUIRED},
                ),
            )
        if device.is_revoked:
            _refuse_login(
                user,
                "device revoked",
                device_id,
                PermissionRefused(_("This tablet has been revoked by a supervisor."), extra={"code": "device_revoked"}),
            )
    login(request, user)
    session_start(session=request.session)
    if device is not None:
        request.session[SESSION_DEVICE_KEY] = str(device.pk)
        request.session.save()
        with transaction.atomic():
            DeviceSession.objects.create(device=device, user=user, session_key=request.session.session_key)
            device_seen(device=device, user=user)
            audit_record(actor=user, action="device.session.start", obj=device, detail={"user": user.pk})
    return user


def login_attempt_record(*, request, username: str, user: User | None = None) -> None:
    """One audit row per sign-in attempt, through whichever door (page, admin, API), success or not.

    Called from Django's user_logged_in / user_login_failed signals, after django-axes has counted
    the attempt, so a refusal says whether the account or address was already locked out.
    """
    username = (username or "")[:150]
    if user is not None:
        audit_record(actor=user, action="auth.login", obj=user, detail={"username": username})
        return
    failures = getattr(request, "axes_failures_since_start", None) or 0
    during_lockout = failures > settings.AXES_FAILURE_LIMIT
    audit_record(
        actor=None,
        action="auth.login",
        object_type="accounts.user",
        object_id=username[:60],
        outcome=Outcome.DENIED,
        detail={
            "reason": "locked out" if during_lockout else "bad credentials",
            "username": username,
            "locked_out": bool(getattr(request, "axes_locked_out", False)),
            "failures": failures,
        },
    )


def auth_logout(*, request) -> None:
    user = request.user
    device_id = request.session.get(SESSION_DEVICE_KEY)
    session_key = request.session.session_key
    if user.is_authenticated:
        audit_record(actor=user, action="auth.logout", obj=user, detail={"device": device_id})
    if device_id and session_key:
        DeviceSession.objects.filter(session_key=session_key, ended_at__isnull=True).update(ended_at=timezone.now())
    logout(request)
    if session_key:
        # A live feed must not outlive the session it was opened with (the streams app closes it).
        session_ended.send(sender=auth_logout, session_key=session_key)


def sign_in_unlock(*, actor: User, user: User) -> int:
    """Lift a sign-in lockout on an account before its wait is over (django-axes' counters)."""
    if not may_manage_account(actor, user):
        raise PermissionRefused(_("Only an administrator can unlock this account."))
    cleared = axes_reset(username=user.get_username())
    audit_record(actor=actor, action="auth.unlock", obj=user, detail={"cleared": cleared})
    return cleared


def user_language_set(*, user: User, language: str) -> User:
    """A person's own language for every screen ('' = follow the device and the browser)."""
    if language and supported(language) != language:
        raise ApplicationError(_("That language is not offered."))
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
        audit_record(actor=user, action="account.language", obj=user, detail={"language": language})
    return user
