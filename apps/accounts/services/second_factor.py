"""The second factor (django-otp): an authenticator app and recovery codes, enrolled, verified and
reset by an administrator, every step audited. Passkeys are in passkeys.py.
"""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import User
from apps.accounts.roles import may_manage_account
from apps.accounts.selectors import recovery_codes_left
from apps.audit.models import Outcome
from apps.audit.services import audit_record
from apps.common.errors import ApplicationError, PermissionRefused

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"


def second_factor_enrollment_start(*, user: User):
    """The authenticator app and recovery codes a user is enrolling, created unconfirmed once.

    Showing the page again shows the same secret and codes, so a reload does not break a phone
    that already scanned the QR code. They count only once a code from the app is confirmed.
    """
    with transaction.atomic():
        totp = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if totp is None:
            totp = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
        static = StaticDevice.objects.filter(user=user, confirmed=False).first()
        if static is None:
            static = StaticDevice.objects.create(user=user, name=RECOVERY_CODES_NAME, confirmed=False)
            for _number in range(settings.FIRSTLINE_RECOVERY_CODES):
                StaticToken.objects.create(device=static, token=StaticToken.random_token())
    return totp, [token.token for token in static.token_set.order_by("pk")]


def second_factor_enrollment_confirm(*, request, code: str):
    """A first code from the new app confirms it and the recovery codes, and verifies this session."""
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
        raise ApplicationError(_("That code does not match the authenticator app. Type the 6 digits it shows now."))
    otp_login(request, totp)
    return totp


def second_factor_verify(*, request, code: str):
    """Check a code from the authenticator app or one recovery code (used up); verify the session.

    django-otp's devices slow down repeated wrong codes (each failure doubles the wait).
    """
    user = request.user
    device = match_token(user, _clean_code(code)) if code else None
    if device is None:
        audit_record(
            actor=user, action="auth.second_factor", obj=user, outcome=Outcome.DENIED, detail={"reason": "wrong code"}
        )
        raise PermissionRefused(_("That code is not right. Type the 6 digits your app shows now, or a recovery code."))
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
    if not may_manage_account(actor, user):
        raise PermissionRefused(_("Only an administrator can reset the second factor of this account."))
    with transaction.atomic():
        removed = [f"{device._meta.model_name}:{device.pk}" for device in devices_for_user(user, confirmed=None)]
        for device in devices_for_user(user, confirmed=None):
            device.delete()
        audit_record(actor=actor, action="mfa.device.remove", obj=user, detail={"removed": removed})
    return len(removed)


def _clean_code(code: str) -> str:
    return "".join((code or "").split())[:64]
