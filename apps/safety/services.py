"""Writes about responder safety: an emergency raised from a tablet, acknowledged and resolved at
dispatch; another agency (police, fire, EMS) asked to a call and what came of it.

Each step checks who acts, locks the row, writes, audits, puts a line on the call's timeline when
the team is on a call, and appends its event to the board and the team's streams in the same
transaction; supervisors are e-mailed after commit. Never called with a team the actor is not on.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import Role, can_dispatch, is_responder, is_supervisor
from apps.accounts.selectors import user_team_id
from apps.audit.services import audit_record
from apps.common.errors import ApplicationError, Conflict, NotFound, PermissionRefused
from apps.incidents import timeline
from apps.incidents.models import Assignment, Incident
from apps.incidents.services import incident_timeline_add
from apps.incidents.states import ACTIVE_ASSIGNMENT_STATUSES, AssignmentStatus
from apps.safety import conf
from apps.safety.models import CoResponse, Emergency, LocationCaution, SceneCheck
from apps.safety.selectors import checkin_payload, co_response_payload, emergency_payload
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


def caution_save(*, actor, caution: LocationCaution, changed: list[str] | None = None) -> LocationCaution:
    """A supervisor writes or changes a location's caution note; audited with the fields changed."""
    if not is_supervisor(actor):
        raise PermissionRefused(_("Only a supervisor keeps caution notes."))
    creating = caution.pk is None
    caution.updated_by = actor
    caution.full_clean()
    with transaction.atomic():
        caution.save()
        audit_record(
            actor=actor,
            action="caution.create" if creating else "caution.update",
            obj=caution,
            detail={"fields": sorted(changed or []), "flags": caution.flags},
        )
    return caution


_UNSET = object()


def _may_act_on_call(actor, incident: Incident) -> int | None:
    """Dispatch acts on any call; a responder only on a call their team was sent to. Returns the
    responder's team (None for dispatch)."""
    if can_dispatch(actor):
        return None
    team_id = user_team_id(actor) if is_responder(actor) else None
    if team_id is None or not Assignment.objects.filter(incident=incident, team_id=team_id).exists():
        raise PermissionRefused(_("Only dispatch or a team sent to this call can ask for another agency."))
    return team_id


def _co_response_timeline(co_response: CoResponse, *, message: str, params: dict, actor, at: datetime) -> None:
    incident_timeline_add(
        incident=co_response.incident,
        kind="co_response",
        message=message,
        params={"agency": co_response.agency, **params},
        actor=actor,
        at=at,
        data={"co_response": str(co_response.pk)},
    )


def _co_response_event(co_response: CoResponse, *, kind: str) -> None:
    team_ids = set(
        Assignment.objects.filter(incident_id=co_response.incident_id).values_list("team_id", flat=True).distinct()
    )
    streams = [BOARD, *(team_stream(team_id) for team_id in sorted(team_ids))]
    streams_append(streams=streams, kind=kind, data=co_response_payload(co_response))


def co_response_request(
    *,
    actor,
    co_response_id,
    incident_id: int,
    agency: str,
    reason: str,
    reason_text: str = "",
    via: str,
    at: datetime | None = None,
) -> CoResponse:
    """Police, fire or EMS asked to a call, from the tablet or the board. The same id asked again is
    the same request (the tablet's outbox may send it twice)."""
    existing = CoResponse.objects.select_related("requested_by").filter(pk=co_response_id).first()
    if existing is not None:
        if existing.requested_by_id != actor.pk or existing.incident_id != incident_id:
            raise ApplicationError(
                _("That id is already used by another request."), extra={"id": [_("Choose a new id.")]}
            )
        return existing
    at = at or timezone.now()
    with transaction.atomic():
        incident = Incident.objects.select_for_update().filter(pk=incident_id).first()
        if incident is None:
            raise NotFound(_("No such call."))
        team_id = _may_act_on_call(actor, incident)
        co_response = CoResponse(
            id=co_response_id,
            incident=incident,
            team_id=team_id,
            agency=agency,
            reason=reason,
            reason_text=(reason_text or "").strip(),
            requested_by=actor,
            requested_via=via,
            requested_at=at,
        )
        co_response.full_clean()
        try:
            with transaction.atomic():
                co_response.save(force_insert=True)
        except IntegrityError:
            return CoResponse.objects.select_related("requested_by").get(pk=co_response_id)
        why = co_response.reason_text if reason == "other" else reason
        _co_response_timeline(
            co_response, message=timeline.CO_RESPONSE_REQUESTED, params={"why": why}, actor=actor, at=at
        )
        audit_record(
            actor=actor,
            action="co_response.request",
            obj=co_response,
            detail={"incident": incident.pk, "agency": agency, "reason": reason, "via": via},
        )
        _co_response_event(co_response, kind="co_response.requested")
    return co_response


def co_response_update(
    *,
    actor,
    co_response_id,
    base_version: int | None = None,
    arrived_at=_UNSET,
    left_at=_UNSET,
    outcome=_UNSET,
    outcome_text=_UNSET,
) -> CoResponse:
    """Arrived, left, and how it ended. A time already recorded stays (the first report wins: two
    devices saying "arrived" is one arrival); an outcome changed by someone else since `base_version`
    is a conflict that returns the server's copy, so neither version is lost."""
    with transaction.atomic():
        co_response = (
            CoResponse.objects.select_for_update(of=("self",))
            .select_related("incident", "requested_by")
            .filter(pk=co_response_id)
            .first()
        )
        if co_response is None:
            raise NotFound(_("No such co-response."))
        _may_act_on_call(actor, co_response.incident)
        changed: list[str] = []
        lines: list[tuple[str, dict, datetime]] = []
        now = timezone.now()
        if arrived_at is not _UNSET and arrived_at is not None and co_response.arrived_at is None:
            co_response.arrived_at = min(arrived_at, now)
            changed.append("arrived_at")
            lines.append((timeline.CO_RESPONSE_ARRIVED, {}, co_response.arrived_at))
        if left_at is not _UNSET and left_at is not None and co_response.left_at is None:
            co_response.left_at = min(left_at, now)
            changed.append("left_at")
            lines.append((timeline.CO_RESPONSE_LEFT, {}, co_response.left_at))
        new_outcome = co_response.outcome if outcome is _UNSET else (outcome or "")
        new_text = co_response.outcome_text if outcome_text is _UNSET else (outcome_text or "").strip()
        if (new_outcome, new_text) != (co_response.outcome, co_response.outcome_text):
            if base_version is not None and base_version != co_response.version and co_response.outcome:
                raise Conflict(
                    _("Someone else recorded how this ended. Here is their version."),
                    extra={"server": co_response_payload(co_response)},
                )
            co_response.outcome, co_response.outcome_text = new_outcome, new_text
            changed += ["outcome", "outcome_text"]
            if new_outcome:
                lines.append((timeline.CO_RESPONSE_OUTCOME, {"outcome": new_outcome}, now))
        if not changed:
            return co_response
        co_response.full_clean()
        co_response.version += 1
        co_response.save(update_fields=[*changed, "version", "updated_at"])
        for message, params, at in lines:
            _co_response_timeline(co_response, message=message, params=params, actor=actor, at=at)
        audit_record(actor=actor, action="co_response.update", obj=co_response, detail={"fields": sorted(set(changed))})
        _co_response_event(co_response, kind="co_response.updated")
    return co_response


def _check_event(check: SceneCheck, *, kind: str) -> None:
    streams_append(streams=[BOARD, team_stream(check.assignment.team_id)], kind=kind, data=checkin_payload(check))


def _interval(assignment: Assignment) -> int:
    incident = assignment.incident
    return conf.checkin_minutes(
        incident.priority, incident.call_type.checkin_minutes if incident.call_type_id else None
    )


def checkin_answer(*, actor, assignment_id: int, at: datetime | None = None) -> SceneCheck:
    """A responder tapped "All OK": the next check-in is due one interval from now, and an alert
    raised for a late answer ends. Only a responder on the assignment's team, while it is on scene."""
    now = timezone.now()
    at = min(at or now, now)
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update(of=("self",))
            .select_related("incident", "incident__call_type", "team")
            .filter(pk=assignment_id)
            .first()
        )
        if assignment is None:
            raise NotFound(_("No such assignment."))
        if not is_responder(actor) or user_team_id(actor) != assignment.team_id:
            raise PermissionRefused(_("Only a responder on the team answers its check-in."))
        if assignment.status != AssignmentStatus.ON_SCENE:
            raise ApplicationError(_("Check-ins are for a team on scene."), extra={"status": [assignment.status]})
        interval = _interval(assignment)
        check, _created = SceneCheck.objects.select_for_update().get_or_create(
            assignment=assignment, defaults={"interval_minutes": interval, "due_at": at}
        )
        was_overdue = check.overdue_at is not None
        check.interval_minutes = interval
        check.answered_at, check.answered_by = at, actor
        check.due_at = at + timedelta(minutes=interval)
        check.answers += 1
        check.overdue_at = None
        check.save()
        if was_overdue:
            incident_timeline_add(
                incident=assignment.incident,
                kind="checkin.answered",
                message=timeline.CHECKIN_ANSWERED_LATE,
                params={"team": assignment.team.call_sign},
                actor=actor,
                at=at,
                data={"assignment": assignment.pk},
            )
        audit_record(actor=actor, action="checkin.answer", obj=assignment, detail={"late": was_overdue})
        _check_event(check, kind="checkin.answered")
    return check


def checkins_sweep(*, now: datetime | None = None, limit: int = 200) -> list[int]:
    """Run by the beat: start the check-in clock of each team newly on scene, and alert dispatch once
    for every check-in answered too late. Claims rows with SKIP LOCKED, so two sweeps at once never
    alert twice; returns the assignments it alerted about."""
    now = now or timezone.now()
    grace = timedelta(seconds=conf.checkin_grace_seconds())
    alerted: list[int] = []
    with transaction.atomic():
        arriving = (
            Assignment.objects.filter(status=AssignmentStatus.ON_SCENE, scene_check__isnull=True)
            .select_related("incident", "incident__call_type")
            .order_by("on_scene_at")[:limit]
        )
        SceneCheck.objects.bulk_create(
            [
                SceneCheck(
                    assignment=a,
                    interval_minutes=_interval(a),
                    due_at=(a.on_scene_at or now) + timedelta(minutes=_interval(a)),
                )
                for a in arriving
            ],
            ignore_conflicts=True,
        )
        late = list(
            SceneCheck.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("assignment", "assignment__team", "assignment__incident")
            .filter(assignment__status=AssignmentStatus.ON_SCENE, overdue_at__isnull=True, due_at__lte=now - grace)
            .order_by("due_at")[:limit]
        )
        for check in late:
            check.overdue_at = now
            check.save(update_fields=["overdue_at"])
            assignment = check.assignment
            incident_timeline_add(
                incident=assignment.incident,
                kind="checkin.overdue",
                message=timeline.CHECKIN_OVERDUE,
                params={"team": assignment.team.call_sign, "minutes": int((now - check.due_at).total_seconds() // 60)},
                actor=None,
                at=now,
                data={"assignment": assignment.pk},
            )
            audit_record(
                actor=None, action="checkin.overdue", obj=assignment, detail={"due_at": check.due_at.isoformat()}
            )
            _check_event(check, kind="checkin.overdue")
            alerted.append(assignment.pk)
    if alerted:
        logger.warning("check-in overdue for assignments %s", alerted)
    return alerted
