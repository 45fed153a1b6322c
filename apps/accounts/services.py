"""Signing in and out, and the life of a registered tablet: registration, enrollment, revocation.

A tablet is bound by a secret: registration gives a one-time enrollment code, the tablet exchanges
it once for a device key, and a responder signs in only with a tablet's id and key. Only digests of
the code and the key are stored.
"""

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts import conf
from apps.accounts.models import Device, DeviceSession, User
from apps.accounts.roles import is_responder, is_supervisor
from apps.accounts.selectors import SESSION_DEVICE_KEY, SESSION_LAST_ACTIVE_KEY
from apps.audit.models import Outcome
from apps.audit.services import audit_record
from apps.common.errors import ApplicationError, CredentialsRefused, NotFound, PermissionRefused, TooManyAttempts
from apps.streams.names import user_stream
from apps.streams.services import sockets_close, stream_append

logger = logging.getLogger(__name__)

SESSION_STARTED_KEY = "firstline_started"


def session_start(*, session) -> None:
    """Stamp when a session began and pin its expiry there: activity never pushes the end later."""
    now = timezone.now()
    session[SESSION_STARTED_KEY] = now.timestamp()
    session[SESSION_LAST_ACTIVE_KEY] = now.timestamp()
    session.set_expiry(now + timedelta(hours=settings.FIRSTLINE_SESSION_ABSOLUTE_HOURS))


DEVICE_REQUIRED = "device_required"
CLOSE_DEVICE_REVOKED = 4410  # the stream's close code for a revoked tablet (docs/streams.md)
# Crockford's base32: no I, L, O or U, so a code read aloud or off a screen is typed right.
ENROLLMENT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ENROLLMENT_LENGTH = 12  # 60 bits; the code is also one-time, short-lived and throttled


def secret_digest(secret: str) -> str:
    """Codes and keys are long random strings, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(secret.encode()).hexdigest()


def enrollment_code_normalize(raw: str) -> str:
    """What a person typed, read leniently: case, spaces and dashes ignored, O as 0, I and L as 1."""
    text = "".join(str(raw or "").split()).replace("-", "").upper()
    return text.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def enrollment_code_format(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _new_enrollment_code() -> str:
    return "".join(secrets.choice(ENROLLMENT_ALPHABET) for _ in range(ENROLLMENT_LENGTH))


def device_key_matches(device: Device, key: str | None) -> bool:
    if not key or not device.key_digest:
        return False
    return hmac.compare_digest(device.key_digest, secret_digest(key))


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
    return (
        f"Too many failed sign-ins for this account or from this address. Sign-in is locked for "
        f"{minutes} minutes, even with the right password; an administrator can unlock it sooner."
    )


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
        raise PermissionRefused("That username and password do not match an active account.")
    device = None
    if device_id or is_responder(user):
        device = Device.objects.filter(pk=device_id).first() if device_id else None
        if device is None or not device_key_matches(device, device_key):
            _refuse_login(
                user,
                "no enrolled tablet" if not device_id else "device key refused",
                device_id,
                CredentialsRefused(
                    "Sign in on an enrolled tablet. Enroll this one with the code your supervisor gives you.",
                    extra={"code": DEVICE_REQUIRED},
                ),
            )
        if device.is_revoked:
            _refuse_login(
                user,
                "device revoked",
                device_id,
                PermissionRefused("This tablet has been revoked by a supervisor.", extra={"code": "device_revoked"}),
            )
    login(request, user)
    session_start(session=request.session)
    if device is not None:
        request.session[SESSION_DEVICE_KEY] = str(device.pk)
        request.session.save()
        with transaction.atomic():
            DeviceSession.objects.create(device=device, user=user, session_key=request.session.session_key)
            Device.objects.filter(pk=device.pk).update(last_seen_at=timezone.now(), last_user=user)
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
        # A live feed must not outlive the session it was opened with (4401: sign in again).
        transaction.on_commit(lambda: sockets_close(session_keys=[session_key], code=4401))


def _issue_enrollment_code(device: Device) -> str:
    code = _new_enrollment_code()
    device.enrollment_code_digest = secret_digest(code)
    device.enrollment_expires_at = timezone.now() + timedelta(hours=conf.enrollment_hours())
    device.save(update_fields=["enrollment_code_digest", "enrollment_expires_at"])
    return enrollment_code_format(code)


def device_register(*, actor: User, name: str, team=None) -> tuple[Device, str]:
    """Register a tablet; returns it with its one-time enrollment code, which is never stored."""
    if not is_supervisor(actor):
        raise PermissionRefused("Only a supervisor can register a tablet.")
    name = (name or "").strip()
    if not name:
        raise ApplicationError("Give the tablet a name that is written on it.")
    with transaction.atomic():
        device = Device.objects.create(name=name, team=team, registered_by=actor)
        code = _issue_enrollment_code(device)
        audit_record(actor=actor, action="device.register", obj=device, detail={"name": name})
    return device, code


def device_enrollment_renew(*, actor: User, device_id) -> tuple[Device, str]:
    """A new one-time code for a tablet (reset, or a lost code); the old code stops working.

    The tablet's current key keeps working until the new code is exchanged, which replaces it.
    """
    if not is_supervisor(actor):
        raise PermissionRefused("Only a supervisor can enroll a tablet.")
    with transaction.atomic():
        device = Device.objects.select_for_update().filter(pk=device_id).first()
        if device is None:
            raise NotFound("No such tablet.")
        if device.is_revoked:
            raise ApplicationError("This tablet is revoked. Register the tablet again to put it back in service.")
        code = _issue_enrollment_code(device)
        audit_record(actor=actor, action="device.enrollment_renew", obj=device)
    return device, code


def device_enroll(*, enrollment_code: str) -> tuple[Device, str]:
    """Exchange a one-time enrollment code for the tablet's key. The code works once, until it expires."""
    code = enrollment_code_normalize(enrollment_code)
    refusal = CredentialsRefused(
        "This enrollment code is not valid: it was used already, has expired, or was mistyped. "
        "Ask your supervisor for a new one.",
        extra={"code": "enrollment_refused"},
    )
    if len(code) != ENROLLMENT_LENGTH:
        raise refusal
    with transaction.atomic():
        device = (
            Device.objects.select_for_update()
            .filter(enrollment_code_digest=secret_digest(code), revoked_at__isnull=True)
            .first()
        )
        expired = device is not None and (
            device.enrollment_expires_at is None or device.enrollment_expires_at < timezone.now()
        )
        if device is not None and not expired:
            key = secrets.token_urlsafe(32)
            device.key_digest = secret_digest(key)
            device.enrolled_at = timezone.now()
            device.enrollment_code_digest = ""
            device.enrollment_expires_at = None
            device.save(update_fields=["key_digest", "enrolled_at", "enrollment_code_digest", "enrollment_expires_at"])
            audit_record(actor=None, action="device.enroll", obj=device, detail={"name": device.name})
            return device, key
    audit_record(
        actor=None,
        action="device.enroll",
        object_type="accounts.device",
        object_id=str(device.pk) if device else "",
        outcome=Outcome.DENIED,
        detail={"reason": "expired" if device else "unknown code"},
    )
    raise refusal


def device_check(*, device_id, device_key: str | None) -> Device:
    """A tablet opening after time away asks, with its key, whether it is still in service.

    Answers only to the tablet itself (the key), so a stranger learns nothing from it.
    """
    device = Device.objects.filter(pk=device_id).first() if device_id else None
    if device is None or not device_key_matches(device, device_key):
        raise CredentialsRefused("This tablet is not enrolled.", extra={"code": DEVICE_REQUIRED})
    if device.is_revoked:
        audit_record(
            actor=None, action="device.check", obj=device, outcome=Outcome.DENIED, detail={"reason": "revoked"}
        )
        raise CredentialsRefused(
            "This tablet was revoked by a supervisor. Its local data must be erased.", extra={"code": "device_revoked"}
        )
    Device.objects.filter(pk=device.pk).update(last_seen_at=timezone.now())
    return device


def _end_sessions(device: Device) -> tuple[list[int], list[str]]:
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore
    user_ids, session_keys = [], []
    for device_session in device.sessions.filter(ended_at__isnull=True):
        store(session_key=device_session.session_key).delete()
        user_ids.append(device_session.user_id)
        session_keys.append(device_session.session_key)
    device.sessions.filter(ended_at__isnull=True).update(ended_at=timezone.now())
    return sorted(set(user_ids)), session_keys


def device_revoke(*, actor: User, device_id, reason: str = "") -> Device:
    """Revoke a tablet: its sessions end now, and its app wipes local data at next contact."""
    if not is_supervisor(actor):
        raise PermissionRefused("Only a supervisor can revoke a tablet.")
    with transaction.atomic():
        device = Device.objects.select_for_update().filter(pk=device_id).first()
        if device is None:
            raise NotFound("No such tablet.")
        if device.is_revoked:
            return device
        device.revoked_at = timezone.now()
        device.revoked_by = actor
        device.revoked_reason = reason[:200]
        device.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
        user_ids, session_keys = _end_sessions(device)
        for user_id in user_ids:
            stream_append(stream=user_stream(user_id), kind="device.revoked", data={"device": str(device.pk)})
        # Every live feed of the tablet and of its sessions closes now, not at the consumer's next recheck.
        transaction.on_commit(
            lambda: sockets_close(device_ids=[device.pk], session_keys=session_keys, code=CLOSE_DEVICE_REVOKED)
        )
        audit_record(
            actor=actor, action="device.revoke", obj=device, detail={"reason": reason, "sessions_ended_for": user_ids}
        )
    return device


def device_touch(*, device_id) -> None:
    Device.objects.filter(pk=device_id).update(last_seen_at=timezone.now())


# --- second factor (django-otp: an authenticator app, and recovery codes) ---------------------------

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"


def second_factor_enrollment_start(*, user: User):
    """The authenticator app and recovery codes a user is enrolling, created unconfirmed once.

    Showing the page again shows the same secret and codes, so a reload does not break a phone
    that already scanned the QR code. They count only once a code from the app is confirmed.
    """
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        totp = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if totp is None:
            totp = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
        static = StaticDevice.objects.filter(user=user, confirmed=False).first()
        if static is None:
            static = StaticDevice.objects.create(user=user, name=RECOVERY_CODES_NAME, confirmed=False)
            for _ in range(settings.FIRSTLINE_RECOVERY_CODES):
                StaticToken.objects.create(device=static, token=StaticToken.random_token())
    return totp, [token.token for token in static.token_set.order_by("pk")]


def second_factor_enrollment_confirm(*, request, code: str):
    """A first code from the new app confirms it and the recovery codes, and verifies this session."""
    from django_otp import login as otp_login
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = request.user
    with transaction.atomic():
        totp = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        matched = totp is not None and totp.verify_token(_clean_code(code))
        if matched:
            totp.confirmed = True
            totp.save(update_fields=["confirmed"])
            StaticDevice.objects.filter(user=user, confirmed=False).update(confirmed=True)
            audit_record(actor=user, action="mfa.device.add", obj=user, detail={"devices": ["totp", "recovery codes"]})
    if not matched:
        audit_record(
            actor=user, action="mfa.device.add", obj=user, outcome=Outcome.DENIED, detail={"reason": "wrong code"}
        )
        raise ApplicationError("That code does not match the authenticator app. Type the 6 digits it shows now.")
    otp_login(request, totp)
    return totp


def second_factor_verify(*, request, code: str):
    """Check a code from the authenticator app or one recovery code (used up); verify the session.

    django-otp's devices slow down repeated wrong codes (each failure doubles the wait).
    """
    from django_otp import login as otp_login
    from django_otp import match_token

    from apps.accounts.selectors import recovery_codes_left

    user = request.user
    device = match_token(user, _clean_code(code)) if code else None
    if device is None:
        audit_record(
            actor=user, action="auth.second_factor", obj=user, outcome=Outcome.DENIED, detail={"reason": "wrong code"}
        )
        raise PermissionRefused("That code is not right. Type the 6 digits your app shows now, or a recovery code.")
    kind = "recovery code" if device._meta.model_name == "staticdevice" else "totp"
    otp_login(request, device)
    detail = {"device": kind}
    if kind == "recovery code":
        detail["recovery_codes_left"] = recovery_codes_left(user)
    audit_record(actor=user, action="auth.second_factor", obj=user, detail=detail)
    return device


def second_factor_reset(*, actor: User, user: User) -> int:
    """Remove every second-factor device of an account, so it enrolls again at its next sign-in.

    The recovery procedure for someone who lost their phone and codes; only someone who may manage
    the account (apps.accounts.roles.may_manage_account) may do it, and it is audited.
    """
    from django_otp import devices_for_user

    from apps.accounts.roles import may_manage_account

    if not may_manage_account(actor, user):
        raise PermissionRefused("Only an administrator can reset the second factor of this account.")
    with transaction.atomic():
        removed = [f"{device._meta.model_name}:{device.pk}" for device in devices_for_user(user, confirmed=None)]
        for device in devices_for_user(user, confirmed=None):
            device.delete()
        audit_record(actor=actor, action="mfa.device.remove", obj=user, detail={"removed": removed})
    return len(removed)


def _clean_code(code: str) -> str:
    return "".join((code or "").split())[:64]


# --- passkeys and security keys (django-otp-webauthn; the doors are in apps/accounts/passkeys.py) ---

PASSKEY_NAME_SESSION_KEY = "firstline_passkey_name"
# The library's own session keys for a ceremony's challenge; popped before checking, so each works once.
PASSKEY_REGISTER_STATE_KEY = "otp_webauthn_register_state"
PASSKEY_VERIFY_STATE_KEY = "otp_webauthn_authentication_state"
PASSKEY_NAME_MAX = 64  # django-otp's Device.name


def _passkey_helper(request):
    from django_otp_webauthn.utils import get_credential_model

    return get_credential_model().get_webauthn_helper(request=request)


def _passkey_may_enroll(user, session) -> None:
    """Adding a key is for roles that give a second factor, and needs a verified session unless it
    is the account's first factor (forced enrollment at first sign-in, as with the app)."""
    from apps.accounts.selectors import second_factor_devices, second_factor_required, session_is_verified

    if not second_factor_required(user):
        raise PermissionRefused("Your role signs in without a second factor.", extra={"code": "not_required"})
    if second_factor_devices(user) and not session_is_verified(user, session):
        raise PermissionRefused(
            "Confirm it is you with your current second factor before adding a key.", extra={"code": "not_verified"}
        )


def passkey_name_choose(*, request, name: str) -> str:
    """Name the key about to be added; the name travels in the session to the end of the ceremony."""
    from django_otp_webauthn.models import WebAuthnCredential

    user = request.user
    _passkey_may_enroll(user, request.session)
    name = " ".join((name or "").split())[:PASSKEY_NAME_MAX]
    if not name:
        raise ApplicationError("Give the key a name you will recognize, such as “Blue security key”.")
    if WebAuthnCredential.objects.filter(user=user, name__iexact=name).exists():
        raise ApplicationError(f"You already have a key named “{name}”. Choose another name.")
    request.session[PASSKEY_NAME_SESSION_KEY] = name
    return name


def passkey_registration_begin(*, request) -> dict:
    """The options the browser needs to create a key (the library's, with a fresh challenge)."""
    _passkey_may_enroll(request.user, request.session)
    if not request.session.get(PASSKEY_NAME_SESSION_KEY):
        raise ApplicationError("Name the key first.", extra={"code": "name_required"})
    options, state = _passkey_helper(request).register_begin(user=request.user)
    request.session[PASSKEY_REGISTER_STATE_KEY] = state
    return options


def passkey_registration_complete(*, request, data: dict):
    """Check the new key's answer (library and py_webauthn), save it under its name, and audit it.

    When it is the account's first factor it also confirms the recovery codes the page showed, and
    verifies this session, as confirming the authenticator app does.
    """
    from django_otp import login as otp_login
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp_webauthn.exceptions import OTPWebAuthnApiError
    from django_otp_webauthn.utils import rewrite_exceptions

    from apps.accounts.selectors import session_is_verified

    user = request.user
    session = request.session
    _passkey_may_enroll(user, session)
    state = session.pop(PASSKEY_REGISTER_STATE_KEY, None)
    name = session.pop(PASSKEY_NAME_SESSION_KEY, None)
    session.save()  # the challenge is gone before it is checked, whatever happens next
    enrolling = not session_is_verified(user, session)
    try:
        if not state or not name:
            raise ApplicationError("Start adding the key again.", extra={"code": "invalid_state"})
        with transaction.atomic(), rewrite_exceptions():
            credential = _passkey_helper(request).register_complete(user=user, state=state, data=data)
            credential.name = name
            credential.save(update_fields=["name"])
            added = ["passkey"]
            if enrolling and StaticDevice.objects.filter(user=user, confirmed=False).update(confirmed=True):
                added.append("recovery codes")
            audit_record(
                actor=user,
                action="mfa.device.add",
                obj=user,
                detail={"devices": added, "name": name, "passkey": credential.pk},
            )
    except (OTPWebAuthnApiError, ApplicationError) as refusal:
        reason = getattr(refusal, "code", None) or refusal.extra.get("code")
        logger.warning("Passkey registration refused for user %s: %s", user.pk, refusal.__cause__ or refusal)
        audit_record(
            actor=user,
            action="mfa.device.add",
            obj=user,
            outcome=Outcome.DENIED,
            detail={"devices": ["passkey"], "reason": reason},
        )
        if isinstance(refusal, ApplicationError):
            raise
        raise ApplicationError("The key's answer was not accepted. Try again.", extra={"code": reason}) from refusal
    if enrolling:
        otp_login(request, credential)
    return credential


def passkey_verification_begin(*, request) -> dict:
    """A fresh challenge for this account's keys (a second factor: the password came first)."""
    from apps.accounts.selectors import passkeys_of

    if not passkeys_of(request.user).exists():
        raise ApplicationError("This account has no passkey or security key.", extra={"code": "no_passkey"})
    options, state = _passkey_helper(request).authenticate_begin(user=request.user, require_user_verification=False)
    request.session[PASSKEY_VERIFY_STATE_KEY] = state
    return options


def passkey_verify(*, request, data: dict):
    """Give the session its second factor with a key: the library checks the answer against this
    session's one-time challenge, the allowed origins, the relying party, the key of this account
    and its signature counter. Every try is audited, as a code is."""
    from django_otp import login as otp_login
    from django_otp_webauthn.exceptions import OTPWebAuthnApiError
    from django_otp_webauthn.utils import rewrite_exceptions

    user = request.user
    state = request.session.pop(PASSKEY_VERIFY_STATE_KEY, None)
    request.session.save()  # a replayed answer finds no challenge to match
    reason = None
    credential = None
    if not state:
        reason = "invalid_state"
    else:
        try:
            with rewrite_exceptions():
                credential = _passkey_helper(request).authenticate_complete(user=user, state=state, data=data)
        except OTPWebAuthnApiError as refusal:
            reason = refusal.code
            logger.warning("Passkey refused for user %s: %s", user.pk, refusal.__cause__ or refusal)
        else:
            if not credential.confirmed:
                reason = "credential_disabled"
    if reason is not None:
        audit_record(
            actor=user,
            action="auth.second_factor",
            obj=user,
            outcome=Outcome.DENIED,
            detail={"device": "passkey", "reason": reason},
        )
        raise PermissionRefused("That key was not accepted. Try again, or type a code instead.", extra={"code": reason})
    otp_login(request, credential)
    audit_record(
        actor=user,
        action="auth.second_factor",
        obj=user,
        detail={"device": "passkey", "name": credential.name, "passkey": credential.pk},
    )
    return credential


def passkey_remove(*, request, passkey_id) -> None:
    """Remove one of your own keys, from a verified session; never the account's last factor while
    its role needs one (recovery codes alone are not a factor to sign in with every day)."""
    from django_otp_webauthn.models import WebAuthnCredential

    from apps.accounts.selectors import second_factor_required, session_is_verified, sign_in_factor_count

    user = request.user
    if not session_is_verified(user, request.session):
        raise PermissionRefused("Confirm it is you with your second factor first.")
    try:
        passkey_id = int(passkey_id)
    except (TypeError, ValueError):
        raise NotFound("No such key on your account.") from None
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one removal at a time per account
        credential = WebAuthnCredential.objects.filter(user=user, pk=passkey_id).first()
        if credential is None:
            raise NotFound("No such key on your account.")
        if second_factor_required(user) and sign_in_factor_count(user) <= 1:
            raise ApplicationError(
                "This is your only second factor: add another key or the authenticator app before removing it."
            )
        name = credential.name
        credential.delete()
        audit_record(
            actor=user,
            action="mfa.device.remove",
            obj=user,
            detail={"removed": [f"passkey:{passkey_id}"], "name": name},
        )


def sign_in_unlock(*, actor: User, user: User) -> int:
    """Lift a sign-in lockout on an account before its wait is over (django-axes' counters)."""
    from axes.utils import reset

    from apps.accounts.roles import may_manage_account

    if not may_manage_account(actor, user):
        raise PermissionRefused("Only an administrator can unlock this account.")
    cleared = reset(username=user.get_username())
    audit_record(actor=actor, action="auth.unlock", obj=user, detail={"cleared": cleared})
    return cleared


def user_language_set(*, user: User, language: str) -> User:
    """A person's own language for every screen ('' = follow the device and the browser)."""
    from apps.common.language import supported

    if language and supported(language) != language:
        raise ApplicationError(_("That language is not offered."))
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
        audit_record(actor=user, action="account.language", obj=user, detail={"language": language})
    return user
