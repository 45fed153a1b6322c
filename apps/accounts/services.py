"""Signing in and out, and the life of a registered tablet."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Device, DeviceSession, User
from apps.accounts.roles import is_supervisor
from apps.audit.models import Outcome
from apps.audit.services import audit_record
from apps.common.errors import ApplicationError, NotFound, PermissionRefused
from apps.streams.names import user_stream
from apps.streams.services import stream_append

logger = logging.getLogger(__name__)

SESSION_DEVICE_KEY = "firstline_device"
SESSION_LAST_ACTIVE_KEY = "firstline_last_active"
SESSION_STARTED_KEY = "firstline_started"


def session_start(*, session) -> None:
    """Stamp when a session began and pin its expiry there: activity never pushes the end later."""
    now = timezone.now()
    session[SESSION_STARTED_KEY] = now.timestamp()
    session[SESSION_LAST_ACTIVE_KEY] = now.timestamp()
    session.set_expiry(now + timedelta(hours=settings.FIRSTLINE_SESSION_ABSOLUTE_HOURS))


def auth_login(*, request, username: str, password: str, device_id=None) -> User:
    """Check the password (and the tablet, if one is named) and open a session."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        audit_record(
            actor=None,
            action="auth.login",
            object_type="accounts.user",
            object_id=username[:60],
            outcome=Outcome.DENIED,
            detail={"reason": "bad credentials"},
        )
        raise PermissionRefused("That username and password do not match an active account.")
    device = None
    if device_id:
        device = Device.objects.filter(pk=device_id).first()
        if device is None or device.is_revoked:
            audit_record(
                actor=user,
                action="auth.login",
                obj=user,
                outcome=Outcome.DENIED,
                detail={"reason": "device revoked or unknown", "device": str(device_id)},
            )
            raise PermissionRefused(
                "This tablet is not registered to the program or has been revoked.", extra={"code": "device_revoked"}
            )
    login(request, user)
    session_start(session=request.session)
    if device is not None:
        request.session[SESSION_DEVICE_KEY] = str(device.pk)
        request.session.save()
        with transaction.atomic():
            DeviceSession.objects.create(device=device, user=user, session_key=request.session.session_key)
            Device.objects.filter(pk=device.pk).update(last_seen_at=timezone.now(), last_user=user)
    audit_record(actor=user, action="auth.login", obj=user, detail={"device": str(device.pk) if device else None})
    return user


def auth_logout(*, request) -> None:
    user = request.user
    device_id = request.session.get(SESSION_DEVICE_KEY)
    session_key = request.session.session_key
    if user.is_authenticated:
        audit_record(actor=user, action="auth.logout", obj=user, detail={"device": device_id})
    if device_id and session_key:
        DeviceSession.objects.filter(session_key=session_key, ended_at__isnull=True).update(ended_at=timezone.now())
    logout(request)


def device_register(*, actor: User, name: str, team=None) -> Device:
    if not is_supervisor(actor):
        raise PermissionRefused("Only a supervisor can register a tablet.")
    name = (name or "").strip()
    if not name:
        raise ApplicationError("Give the tablet a name that is written on it.")
    with transaction.atomic():
        device = Device.objects.create(name=name, team=team, registered_by=actor)
        audit_record(actor=actor, action="device.register", obj=device, detail={"name": name})
    return device


def _end_sessions(device: Device) -> list[int]:
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    user_ids = []
    for device_session in device.sessions.filter(ended_at__isnull=True):
        store(session_key=device_session.session_key).delete()
        user_ids.append(device_session.user_id)
    device.sessions.filter(ended_at__isnull=True).update(ended_at=timezone.now())
    return sorted(set(user_ids))


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
        user_ids = _end_sessions(device)
        for user_id in user_ids:
            stream_append(stream=user_stream(user_id), kind="device.revoked", data={"device": str(device.pk)})
        audit_record(
            actor=actor, action="device.revoke", obj=device, detail={"reason": reason, "sessions_ended_for": user_ids}
        )
    return device


def device_touch(*, device_id) -> None:
    Device.objects.filter(pk=device_id).update(last_seen_at=timezone.now())
