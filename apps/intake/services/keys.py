"""Call centers and their keys: each center acts through its own service user, and a key is kept
only as a hash, shown once when issued.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from apps.accounts.roles import Role, is_supervisor
from apps.audit.services import audit_record
from apps.common.errors import ApplicationError, NotFound, PermissionRefused
from apps.intake.models import ApiKey, CallCenter, CenterKind

KEY_PREFIX = "fl"


def _check_supervisor_or_shell(actor) -> None:
    """Supervisors act in the admin; `actor=None` is the shell (manage.py), which the host already trusts."""
    if actor is not None and not is_supervisor(actor):
        raise PermissionRefused(_("Only a supervisor can manage call centers, keys and the eligibility policy."))


def call_center_create(*, actor, name: str, kind: str = CenterKind.NINE_ONE_ONE, contact: str = "") -> CallCenter:
    """A call center with its own service user (a call-taker with no password) that its keys act as."""
    _check_supervisor_or_shell(actor)
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("Name the call center."), extra={"name": [_("This field is required.")]})
    if kind not in CenterKind.values:
        raise ApplicationError(
            _("Unknown kind of call center."),
            extra={"kind": [_("One of %(allowed)s.") % {"allowed": ", ".join(CenterKind)}]},
        )
    if CallCenter.objects.filter(name=name).exists():
        raise ApplicationError(_("A call center with that name exists."), extra={"name": [_("Already taken.")]})
    user_model = get_user_model()
    with transaction.atomic():
        base = f"callcenter-{slugify(name)[:100]}".rstrip("-")
        username, n = base, 1
        while user_model.objects.filter(username=username).exists():
            n += 1
            username = f"{base}-{n}"
        user = user_model(username=username, role=Role.CALL_TAKER, first_name=name[:150])
        user.set_unusable_password()
        user.save()
        center = CallCenter(name=name, kind=kind, contact=contact, service_user=user)
        center.full_clean()
        center.save()
        audit_record(actor=actor, action="intake.call_center.create", obj=center, detail={"kind": kind})
    return center


def call_center_update(*, actor, call_center_id, kind: str, contact: str, active: bool) -> CallCenter:
    """Change how a center is reached or switch it off; its name (and service user) never change."""
    _check_supervisor_or_shell(actor)
    if kind not in CenterKind.values:
        raise ApplicationError(
            _("Unknown kind of call center."),
            extra={"kind": [_("One of %(allowed)s.") % {"allowed": ", ".join(CenterKind)}]},
        )
    with transaction.atomic():
        center = CallCenter.objects.select_for_update().filter(pk=call_center_id).first()
        if center is None:
            raise NotFound(_("No such call center."))
        wanted = {"kind": kind, "contact": contact or "", "active": active}
        changed = sorted(field for field, value in wanted.items() if getattr(center, field) != value)
        if not changed:
            return center
        for field in changed:
            setattr(center, field, wanted[field])
        center.full_clean()
        center.save(update_fields=changed)
        audit_record(actor=actor, action="intake.call_center.update", obj=center, detail={"fields": changed})
    return center


def _hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_key_issue(*, actor, call_center_id, label: str = "") -> tuple[ApiKey, str]:
    """Issue a key; the returned string is the only time anyone sees it."""
    _check_supervisor_or_shell(actor)
    with transaction.atomic():
        center = CallCenter.objects.select_for_update().filter(pk=call_center_id).first()
        if center is None:
            raise NotFound(_("No such call center."))
        prefix = secrets.token_hex(5)
        raw = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
        key = ApiKey.objects.create(
            call_center=center,
            prefix=prefix,
            hashed_secret=_hash_key(raw),
            label=label[:100],
            created_by=actor if actor is not None else None,
        )
        audit_record(actor=actor, action="intake.api_key.issue", obj=key, detail={"call_center": center.pk})
    return key, raw


def api_key_revoke(*, actor, api_key_id, reason: str = "") -> ApiKey:
    _check_supervisor_or_shell(actor)
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().filter(pk=api_key_id).first()
        if key is None:
            raise NotFound(_("No such API key."))
        if key.revoked_at is None:
            key.revoked_at = timezone.now()
            key.revoked_by = actor
            key.revoked_reason = (reason or "revoked")[:200]
            key.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
            audit_record(actor=actor, action="intake.api_key.revoke", obj=key, detail={"reason": key.revoked_reason})
    return key


def api_key_rotate(*, actor, api_key_id) -> tuple[ApiKey, str]:
    """Revoke a key and issue its replacement in one step."""
    with transaction.atomic():
        old = api_key_revoke(actor=actor, api_key_id=api_key_id, reason="rotated")
        return api_key_issue(actor=actor, call_center_id=old.call_center_id, label=old.label)


def api_key_authenticate(raw: str) -> ApiKey | None:
    """The active key matching `raw`, or None. Constant-time comparison of the stored hash."""
    parts = (raw or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    key = ApiKey.objects.select_related("call_center__service_user").filter(prefix=parts[1][:16]).first()
    if key is None or not hmac.compare_digest(key.hashed_secret, _hash_key(raw.strip())):
        return None
    if key.is_revoked or not key.call_center.active or not key.call_center.service_user.is_active:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > timedelta(minutes=1):
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key
