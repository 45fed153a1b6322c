"""The life of a registered tablet: registration, enrollment, sessions, revocation.

A tablet is bound by a secret: registration gives a one-time enrollment code, the tablet exchanges
it once for a device key, and a responder signs in only with a tablet's id and key. Only digests of
the code and the key are stored.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts import conf
from apps.accounts.hooks import device_revoked
from apps.accounts.models import Device, User
from apps.accounts.roles import is_supervisor
from apps.audit.models import Outcome
from apps.audit.services import audit_record
from apps.common.errors import ApplicationError, CredentialsRefused, NotFound, PermissionRefused

DEVICE_REQUIRED = "device_required"
CLOSE_DEVICE_REVOKED = 4410  # the stream's close code for a revoked tablet (docs/streams.md)
# Crockford's base32: no I, L, O or U, so a code read aloud or off a screen is typed right.
ENROLLMENT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ENROLLMENT_LENGTH = 12  # 60 bits; the code is also one-time, short-lived and throttled
# How stale a tablet's "last seen" may be (the session's own touch is as coarse): a busy tablet's
# every request need not write its row.
SEEN_EVERY = timedelta(seconds=30)


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


def _issue_enrollment_code(device: Device) -> str:
    code = _new_enrollment_code()
    device.enrollment_code_digest = secret_digest(code)
    device.enrollment_expires_at = timezone.now() + timedelta(hours=conf.enrollment_hours())
    device.save(update_fields=["enrollment_code_digest", "enrollment_expires_at"])
    return enrollment_code_format(code)


def device_register(*, actor: User, name: str, team=None) -> tuple[Device, str]:
    """Register a tablet; returns it with its one-time enrollment code, which is never stored."""
    if not is_supervisor(actor):
        raise PermissionRefused(_("Only a supervisor can register a tablet."))
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("Give the tablet a name that is written on it."))
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
        raise PermissionRefused(_("Only a supervisor can enroll a tablet."))
    with transaction.atomic():
        device = Device.objects.select_for_update().filter(pk=device_id).first()
        if device is None:
            raise NotFound(_("No such tablet."))
        if device.is_revoked:
            raise ApplicationError(_("This tablet is revoked. Register the tablet again to put it back in service."))
        code = _issue_enrollment_code(device)
        audit_record(actor=actor, action="device.enrollment_renew", obj=device)
    return device, code


def device_enroll(*, enrollment_code: str) -> tuple[Device, str]:
    """Exchange a one-time enrollment code for the tablet's key. The code works once, until it expires."""
    code = enrollment_code_normalize(enrollment_code)
    refusal = CredentialsRefused(
        _(
            "This enrollment code is not valid: it was used already, has expired, or was mistyped. "
            "Ask your supervisor for a new one."
        ),
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
        raise CredentialsRefused(_("This tablet is not enrolled."), extra={"code": DEVICE_REQUIRED})
    if device.is_revoked:
        audit_record(
            actor=None, action="device.check", obj=device, outcome=Outcome.DENIED, detail={"reason": "revoked"}
        )
        raise CredentialsRefused(
            _("This tablet was revoked by a supervisor. Its local data must be erased."),
            extra={"code": "device_revoked"},
        )
    device_seen(device=device)
    return device


def _end_sessions(device: Device) -> tuple[list[int], list[str]]:
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
        raise PermissionRefused(_("Only a supervisor can revoke a tablet."))
    with transaction.atomic():
        device = Device.objects.select_for_update().filter(pk=device_id).first()
        if device is None:
            raise NotFound(_("No such tablet."))
        if device.is_revoked:
            return device
        device.revoked_at = timezone.now()
        device.revoked_by = actor
        device.revoked_reason = reason[:200]
        device.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
        user_ids, session_keys = _end_sessions(device)
        # Every live feed of the tablet and of its sessions closes now, not at the consumer's next
        # recheck, and each person's tablet is told (the streams app does both on this hook).
        device_revoked.send(sender=device_revoke, device_id=device.pk, user_ids=user_ids, session_keys=session_keys)
        audit_record(
            actor=actor, action="device.revoke", obj=device, detail={"reason": reason, "sessions_ended_for": user_ids}
        )
    return device


def device_seen(*, device: Device, user: User | None = None) -> None:
    """The tablet was heard from (by `user`, when signed in): the board shows when, the admin by whom.

    Written at most every SEEN_EVERY, or at once when someone else is signed in on it.
    """
    now = timezone.now()
    other_user = user is not None and device.last_user_id != user.pk
    if device.last_seen_at is None or now - device.last_seen_at >= SEEN_EVERY or other_user:
        fields = {"last_seen_at": now, **({"last_user": user} if user is not None else {})}
        Device.objects.filter(pk=device.pk).update(**fields)
        device.last_seen_at = now
        if user is not None:
            device.last_user = user


def device_touch(*, device_id) -> None:
    """The live stream's touch: it holds only the tablet's id and already paces itself (60 s)."""
    Device.objects.filter(pk=device_id).update(last_seen_at=timezone.now())
