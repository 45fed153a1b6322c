"""Calls that look like one already open (near in place and time): flagged at screening, then linked
or dismissed by a dispatcher.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import can_dispatch
from apps.audit.services import audit_record
from apps.common.errors import ApplicationError, NotFound, PermissionRefused
from apps.common.geo import bounding_box, distance_km
from apps.incidents.models import Incident
from apps.incidents.services import incident_cancel
from apps.incidents.states import OPEN_INCIDENT_STATUSES
from apps.intake import conf
from apps.intake.models import DuplicateFlag, DuplicateStatus
from apps.streams.names import BOARD
from apps.streams.services import streams_append


def _flag_duplicates(incident: Incident) -> list[DuplicateFlag]:
    if incident.latitude is None or incident.longitude is None:
        return []
    limit_m = conf.duplicate_distance_m()
    since = incident.received_at - timedelta(minutes=conf.duplicate_window_minutes())
    south, north, west, east = bounding_box(incident.latitude, incident.longitude, limit_m / 1000 + 0.1)
    candidates = Incident.objects.filter(
        status__in=OPEN_INCIDENT_STATUSES,
        received_at__gte=since,
        received_at__lte=incident.received_at + timedelta(minutes=1),
        latitude__range=(south, north),
        longitude__range=(west, east),
    ).exclude(pk=incident.pk)
    flags = []
    for other in candidates:
        distance = distance_km(incident.latitude, incident.longitude, other.latitude, other.longitude) * 1000
        if distance <= limit_m:
            minutes = abs((incident.received_at - other.received_at).total_seconds()) / 60
            flags.append(
                DuplicateFlag.objects.create(
                    incident=incident, candidate=other, distance_m=round(distance, 1), minutes_apart=round(minutes, 1)
                )
            )
    return flags


def _lock_flag(flag_id) -> DuplicateFlag:
    flag = DuplicateFlag.objects.select_for_update().filter(pk=flag_id).first()
    if flag is None:
        raise NotFound(_("No such duplicate flag."))
    if flag.status != DuplicateStatus.OPEN:
        raise ApplicationError(_("This flag has already been resolved."))
    return flag


def duplicate_link(*, actor, flag_id, cancel_new: bool = True) -> DuplicateFlag:
    """A dispatcher confirms the new call is the same as an open one; the new incident is cancelled."""
    if not can_dispatch(actor):
        raise PermissionRefused(_("Only a dispatcher or supervisor can link duplicate calls."))
    with transaction.atomic():
        flag = _lock_flag(flag_id)
        flag.status = DuplicateStatus.LINKED
        flag.resolved_at = timezone.now()
        flag.resolved_by = actor
        flag.save(update_fields=["status", "resolved_at", "resolved_by"])
        if cancel_new and flag.incident.status in OPEN_INCIDENT_STATUSES:
            incident_cancel(
                actor=actor, incident_id=flag.incident_id, reason=f"Duplicate of {flag.candidate.reference}"
            )
        audit_record(actor=actor, action="intake.duplicate.link", obj=flag, detail={"candidate": flag.candidate_id})
        streams_append(
            streams=[BOARD],
            kind="call.duplicate_linked",
            data={"flag": flag.pk, "incident": flag.incident_id, "candidate": flag.candidate_id},
        )
    return flag


def duplicate_dismiss(*, actor, flag_id) -> DuplicateFlag:
    if not can_dispatch(actor):
        raise PermissionRefused(_("Only a dispatcher or supervisor can resolve duplicate flags."))
    with transaction.atomic():
        flag = _lock_flag(flag_id)
        flag.status = DuplicateStatus.DISMISSED
        flag.resolved_at = timezone.now()
        flag.resolved_by = actor
        flag.save(update_fields=["status", "resolved_at", "resolved_by"])
        audit_record(actor=actor, action="intake.duplicate.dismiss", obj=flag)
        streams_append(
            streams=[BOARD],
            kind="call.duplicate_dismissed",
            data={"flag": flag.pk, "incident": flag.incident_id, "candidate": flag.candidate_id},
        )
    return flag
