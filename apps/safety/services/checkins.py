"""On-scene check-ins: the tablet's "All OK?" answers and the sweep that alerts dispatch when none comes."""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import is_responder
from apps.accounts.selectors import user_team_id
from apps.audit.services import audit_record
from apps.common.errors import ApplicationError, NotFound, PermissionRefused
from apps.incidents import timeline
from apps.incidents.models import Assignment
from apps.incidents.services import incident_timeline_add
from apps.incidents.states import AssignmentStatus
from apps.safety import conf
from apps.safety.models import SceneCheck
from apps.safety.selectors import checkin_interval, checkin_payload, first_check
from apps.streams.names import BOARD, team_stream
from apps.streams.services import streams_append

logger = logging.getLogger(__name__)


def _check_event(check: SceneCheck, *, kind: str) -> None:
    streams_append(streams=[BOARD, team_stream(check.assignment.team_id)], kind=kind, data=checkin_payload(check))


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
        interval = checkin_interval(assignment)
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
            [first_check(a, now=now) for a in arriving],
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
