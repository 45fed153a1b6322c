"""A team's emergency: raised from a tablet, acknowledged and resolved at dispatch.

Each step checks who acts, locks the row, writes, audits, puts a line on the call's timeline when
the team is on a call, and appends its event to the board and the team's streams in the same
transaction; supervisors are e-mailed after commit.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import Role, can_dispatch, is_responder
from apps.accounts.selectors import user_team_id
from apps.audit.services import audit_record
from apps.common.errors import ApplicationError, NotFound, PermissionRefused
from apps.incidents import timeline
from apps.incidents.models import Assignment
from apps.incidents.services import incident_timeline_add
from apps.incidents.states import ACTIVE_ASSIGNMENT_STATUSES
from apps.safety.models import Emergency
from apps.safety.selectors import emergency_payload
from apps.streams.names import BOARD, team_stream
from apps.streams.services import streams_append
from apps.teams.models import Team

logger = logging.getLogger(__name__)


def _event(emergency: Emergency, *, kind: str) -> None:
    streams_append(streams=[BOARD, team_stream(emergency.team_id)], kind=kind, data=emergency_payload(emergency))


def _timeline(emergency: Emergency, *, kind: str, message: str, actor, at: datetime) -> None:
    if emergency.incident_id:
        incident_timeline_add(
            incident=emergency.incident,
            kind=kind,
            message=message,
            params={"team": emergency.team.call_sign},
            actor=actor,
            at=at,
            data={"emergency": str(emergency.pk)},
        )


def _mail_supervisors(emergency_id) -> None:
    emergency = Emergency.objects.select_related("team", "incident").filter(pk=emergency_id).first()
    to = [e for e in User.objects.filter(role=Role.SUPERVISOR, is_active=True).values_list("email", flat=True) if e]
    if emergency is None or not to:
        return
    where = (
        f"{emergency.latitude:.5f}, {emergency.longitude:.5f}"
        if emergency.latitude is not None and emergency.longitude is not None
        else _("no position")
    )
    body = _("%(team)s raised an emergency at %(when)s. Last known position: %(where)s.") % {
        "team": emergency.team.call_sign,
        "when": emergency.raised_at.isoformat(timespec="seconds"),
        "where": where,
    }
    try:
        EmailMessage(
            subject=f"[{settings.FIRSTLINE_PROGRAM_NAME}] "
            + _("Emergency: %(team)s") % {"team": emergency.team.call_sign},
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=to,
        ).send()
    except Exception:
        logger.exception("could not e-mail the emergency to supervisors")


def emergency_raise(
    *,
    actor,
    emergency_id,
    latitude: float | None = None,
    longitude: float | None = None,
    accuracy_m: float | None = None,
    team_id: int | None = None,
    at: datetime | None = None,
) -> Emergency:
    """A responder's emergency for their own team. The same id raised again is the same emergency."""
    own_team = user_team_id(actor) if is_responder(actor) else None
    if own_team is None or (team_id is not None and team_id != own_team):
        raise PermissionRefused(_("Only a responder on the team can raise its emergency."))
    if (latitude is None) != (longitude is None):
        raise ApplicationError(_("Give both latitude and longitude, or neither."))
    existing = Emergency.objects.filter(pk=emergency_id).first()
    if existing is not None:
        if existing.raised_by_id != actor.pk:
            raise PermissionRefused(_("This emergency was raised by someone else."))
        return existing
    at = at or timezone.now()
    with transaction.atomic():
        team = Team.objects.get(pk=own_team)
        current = (
            Assignment.objects.filter(team=team, status__in=ACTIVE_ASSIGNMENT_STATUSES)
            .select_related("incident")
            .first()
        )
        emergency = Emergency(
            id=emergency_id,
            team=team,
            incident=current.incident if current else None,
            raised_by=actor,
            raised_at=at,
            latitude=latitude,
            longitude=longitude,
            accuracy_m=accuracy_m,
        )
        emergency.full_clean()
        try:
            with transaction.atomic():
                emergency.save(force_insert=True)
        except IntegrityError:
            return Emergency.objects.get(pk=emergency_id)  # the same press arrived twice at once
        _timeline(emergency, kind="emergency.raised", message=timeline.EMERGENCY_RAISED, actor=actor, at=at)
        audit_record(
            actor=actor,
            action="emergency.raise",
            obj=emergency,
            detail={"team": team.pk, "incident": emergency.incident_id, "position": latitude is not None},
        )
        _event(emergency, kind="emergency.raised")
        transaction.on_commit(lambda: _mail_supervisors(emergency.pk))
    logger.warning("emergency raised by team %s (%s)", team.call_sign, emergency.pk)
    return emergency


def _lock_for_dispatch(actor, emergency_id) -> Emergency:
    if not can_dispatch(actor):
        raise PermissionRefused(_("Only a dispatcher or supervisor can answer an emergency."))
    emergency = (
        Emergency.objects.select_for_update(of=("self",))
        .select_related("team", "incident", "raised_by")
        .filter(pk=emergency_id)
        .first()
    )
    if emergency is None:
        raise NotFound(_("No such emergency."))
    return emergency


def emergency_acknowledge(*, actor, emergency_id, at: datetime | None = None) -> Emergency:
    """Dispatch has seen it and is acting. Acknowledging twice is harmless."""
    at = at or timezone.now()
    with transaction.atomic():
        emergency = _lock_for_dispatch(actor, emergency_id)
        if emergency.acknowledged_at is not None:
            return emergency
        emergency.acknowledged_at, emergency.acknowledged_by = at, actor
        emergency.save(update_fields=["acknowledged_at", "acknowledged_by"])
        _timeline(emergency, kind="emergency.acknowledged", message=timeline.EMERGENCY_ACKNOWLEDGED, actor=actor, at=at)
        audit_record(actor=actor, action="emergency.acknowledge", obj=emergency, detail={"team": emergency.team_id})
        _event(emergency, kind="emergency.acknowledged")
    return emergency


def emergency_resolve(*, actor, emergency_id, notes: str = "", at: datetime | None = None) -> Emergency:
    """The team is safe (or help is with them): the alarm ends. It must have been acknowledged first."""
    at = at or timezone.now()
    with transaction.atomic():
        emergency = _lock_for_dispatch(actor, emergency_id)
        if emergency.resolved_at is not None:
            return emergency
        if emergency.acknowledged_at is None:
            raise ApplicationError(_("Acknowledge the emergency before resolving it."))
        emergency.resolved_at, emergency.resolved_by = at, actor
        emergency.notes = notes[:2000]
        emergency.save(update_fields=["resolved_at", "resolved_by", "notes"])
        _timeline(emergency, kind="emergency.resolved", message=timeline.EMERGENCY_RESOLVED, actor=actor, at=at)
        audit_record(actor=actor, action="emergency.resolve", obj=emergency, detail={"team": emergency.team_id})
        _event(emergency, kind="emergency.resolved")
    return emergency
