from django.conf import settings
from django.utils.functional import LazyObject
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp.models import Device as OtpDevice
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from apps.accounts.models import Device, User

# Where a session keeps the tablet it was opened on and when it was last used (read here, written by services).
SESSION_DEVICE_KEY = "firstline_device"
SESSION_LAST_ACTIVE_KEY = "firstline_last_active"


def acting_user(user):
    """The signed-in user itself rather than the request's lazy stand-in, which forwards every read of
    an attribute through a proxy: a tablet's batch reads its actor thousands of times. The stand-in
    may be nested (django-otp wraps the session's own); one not yet looked up is left as it is."""
    inner = user
    while isinstance(inner, LazyObject):
        inner = inner._wrapped  # `empty` until looked up
    return inner if isinstance(inner, User) else user


def user_team_id(user: User) -> int | None:
    if not user.is_authenticated:
        return None
    cached = getattr(user, "_firstline_team_id", "unset")
    if cached == "unset":
        cached = user.team_id_current
        user._firstline_team_id = cached
    return cached


def user_summary(user: User) -> dict:
    return {
        "id": user.pk,
        "username": user.username,
        "role": user.role,
        "team": user_team_id(user),
        "name": user.get_full_name() or user.username,
    }


def idle_limit_seconds(user: User) -> int:
    return settings.FIRSTLINE_IDLE_MINUTES.get(user.role, 60) * 60


def session_device_id(session) -> str | None:
    """The tablet a session was opened on (None for sessions opened without one)."""
    return session.get(SESSION_DEVICE_KEY) if session is not None else None


def session_last_active(session) -> float | None:
    value = session.get(SESSION_LAST_ACTIVE_KEY) if session is not None else None
    return float(value) if value is not None else None


def devices_revoked(*, device_ids) -> set[str]:
    return {
        str(pk)
        for pk in Device.objects.filter(pk__in=list(device_ids), revoked_at__isnull=False).values_list("pk", flat=True)
    }


# --- second factor (docs/security/logins.md) -------------------------------------------------------


def second_factor_required(user) -> bool:
    """Whether this account's role must add a second factor (FIRSTLINE_MFA_ROLES) to its password."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    roles = set(settings.FIRSTLINE_MFA_ROLES)
    return user.role in roles or (user.is_superuser and "administrator" in roles)


def second_factor_devices(user) -> list:
    """The confirmed authenticator app and recovery codes of a user (django-otp devices)."""
    return list(devices_for_user(user, confirmed=True))


def session_is_verified(user, session) -> bool:
    """Whether this session passed a second factor with one of the user's confirmed devices."""
    persistent_id = session.get(DEVICE_ID_SESSION_KEY) if session is not None else None
    if not persistent_id:
        return False
    device = OtpDevice.from_persistent_id(persistent_id)
    return device is not None and device.user_id == user.pk and device.confirmed


def second_factor_state(user, session) -> str:
    """ "not_required", "enroll" (no device yet), "verify" (device, this session not verified) or "verified"."""
    if session_is_verified(user, session):
        return "verified"
    if not second_factor_required(user):
        return "not_required"
    return "verify" if second_factor_devices(user) else "enroll"


def second_factor_pending(user, session) -> bool:
    """A signed-in user whose role needs a second factor and whose session has not given one yet."""
    return second_factor_required(user) and not session_is_verified(user, session)


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def passkeys_of(user):
    """The confirmed passkeys and security keys of an account (django-otp-webauthn), newest first."""
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("-created_at", "-pk")


def sign_in_factor_count(user) -> int:
    """Factors someone signs in with day to day: the authenticator app and each key (not recovery codes)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).count() + passkeys_of(user).count()


def second_factor_summary(user) -> dict:
    """Which factors an account has, for its owner and the admin: names and dates, never a secret."""
    return {
        "required": second_factor_required(user),
        "authenticator_app": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        "recovery_codes_left": recovery_codes_left(user),
        "passkeys": [
            {"id": key.pk, "name": key.name, "added_at": key.created_at, "last_used_at": key.last_used_at}
            for key in passkeys_of(user)
        ],
    }
