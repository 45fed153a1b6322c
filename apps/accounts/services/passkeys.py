"""Passkeys and security keys as a second factor (django-otp-webauthn): naming, registering,
verifying and removing one. The doors are in apps/accounts/passkeys.py.
"""

import logging

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp_webauthn.exceptions import OTPWebAuthnApiError
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.utils import get_credential_model, rewrite_exceptions

from apps.accounts.models import User
from apps.accounts.selectors import (
    passkeys_of,
    second_factor_devices,
    second_factor_required,
    session_is_verified,
    sign_in_factor_count,
)
from apps.audit.models import Outcome
from apps.audit.services import audit_record
from apps.common.errors import ApplicationError, NotFound, PermissionRefused

logger = logging.getLogger(__name__)


PASSKEY_NAME_SESSION_KEY = "firstline_passkey_name"
# The library's own session keys for a ceremony's challenge; popped before checking, so each works once.
PASSKEY_REGISTER_STATE_KEY = "otp_webauthn_register_state"
PASSKEY_VERIFY_STATE_KEY = "otp_webauthn_authentication_state"
PASSKEY_NAME_MAX = 64  # django-otp's Device.name


def _passkey_helper(request):
    return get_credential_model().get_webauthn_helper(request=request)


def _passkey_may_enroll(user, session) -> None:
    """Adding a key is for roles that give a second factor, and needs a verified session unless it
    is the account's first factor (forced enrollment at first sign-in, as with the app)."""
    if not second_factor_required(user):
        raise PermissionRefused(_("Your role signs in without a second factor."), extra={"code": "not_required"})
    if second_factor_devices(user) and not session_is_verified(user, session):
        raise PermissionRefused(
            _("Confirm it is you with your current second factor before adding a key."), extra={"code": "not_verified"}
        )


def passkey_name_choose(*, request, name: str) -> str:
    """Name the key about to be added; the name travels in the session to the end of the ceremony."""
    user = request.user
    _passkey_may_enroll(user, request.session)
    name = " ".join((name or "").split())[:PASSKEY_NAME_MAX]
    if not name:
        raise ApplicationError(_("Give the key a name you will recognize, such as “Blue security key”."))
    if WebAuthnCredential.objects.filter(user=user, name__iexact=name).exists():
        raise ApplicationError(_("You already have a key named “%(name)s”. Choose another name.") % {"name": name})
    request.session[PASSKEY_NAME_SESSION_KEY] = name
    return name


def passkey_registration_begin(*, request) -> dict:
    """The options the browser needs to create a key (the library's, with a fresh challenge)."""
    _passkey_may_enroll(request.user, request.session)
    if not request.session.get(PASSKEY_NAME_SESSION_KEY):
        raise ApplicationError(_("Name the key first."), extra={"code": "name_required"})
    options, state = _passkey_helper(request).register_begin(user=request.user)
    request.session[PASSKEY_REGISTER_STATE_KEY] = state
    return options


def passkey_registration_complete(*, request, data: dict):
    """Check the new key's answer (library and py_webauthn), save it under its name, and audit it.

    When it is the account's first factor it also confirms the recovery codes the page showed, and
    verifies this session, as confirming the authenticator app does.
    """
    user = request.user
    session = request.session
    _passkey_may_enroll(user, session)
    state = session.pop(PASSKEY_REGISTER_STATE_KEY, None)
    name = session.pop(PASSKEY_NAME_SESSION_KEY, None)
    session.save()  # the challenge is gone before it is checked, whatever happens next
    enrolling = not session_is_verified(user, session)
    try:
        if not state or not name:
            raise ApplicationError(_("Start adding the key again."), extra={"code": "invalid_state"})
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
        raise ApplicationError(_("The key's answer was not accepted. Try again."), extra={"code": reason}) from refusal
    if enrolling:
        otp_login(request, credential)
    return credential


def passkey_verification_begin(*, request) -> dict:
    """A fresh challenge for this account's keys (a second factor: the password came first)."""
    if not passkeys_of(request.user).exists():
        raise ApplicationError(_("This account has no passkey or security key."), extra={"code": "no_passkey"})
    options, state = _passkey_helper(request).authenticate_begin(user=request.user, require_user_verification=False)
    request.session[PASSKEY_VERIFY_STATE_KEY] = state
    return options


def passkey_verify(*, request, data: dict):
    """Give the session its second factor with a key: the library checks the answer against this
    session's one-time challenge, the allowed origins, the relying party, the key of this account
    and its signature counter. Every try is audited, as a code is."""
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
        raise PermissionRefused(
            _("That key was not accepted. Try again, or type a code instead."), extra={"code": reason}
        )
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
    user = request.user
    if not session_is_verified(user, request.session):
        raise PermissionRefused(_("Confirm it is you with your second factor first."))
    try:
        passkey_id = int(passkey_id)
    except (TypeError, ValueError):
        raise NotFound(_("No such key on your account.")) from None
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one removal at a time per account
        credential = WebAuthnCredential.objects.filter(user=user, pk=passkey_id).first()
        if credential is None:
            raise NotFound(_("No such key on your account."))
        if second_factor_required(user) and sign_in_factor_count(user) <= 1:
            raise ApplicationError(
                _("This is your only second factor: add another key or the authenticator app before removing it.")
            )
        name = credential.name
        credential.delete()
        audit_record(
            actor=user,
            action="mfa.device.remove",
            obj=user,
            detail={"removed": [f"passkey:{passkey_id}"], "name": name},
        )
