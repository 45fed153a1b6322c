"""The sweep that alerts the board about dispatched assignments nobody acknowledged in time.

Run by the beat (streams.tasks); safe to run twice at once.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_record
from apps.incidents import timeline
from apps.incidents.models import Assignment
from apps.incidents.services.shared import _assignment_event_data, _log
from apps.incidents.states import AssignmentStatus
from apps.streams.names import BOARD
from apps.streams.services import streams_append


def assignments_escalate_overdue(*, now: datetime | None = None, limit: int = 100) -> list[int]:
    """Alert the board about every dispatched assignment nobody on the team acknowledged in time.

    Rows are claimed with SKIP LOCKED, so two sweeps running at once never escalate a row twice,
    and `escalated_at` makes the sweep idempotent. Returns the ids it escalated.
    """
    now = now or timezone.now()
    limit_seconds = settings.FIRSTLINE_ACK_LIMIT_SECONDS
    cutoff = now - timedelta(seconds=limit_seconds)
    escalated: list[int] = []
    with transaction.atomic():
        overdue = list(
            Assignment.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("team")
            .filter(
                status=AssignmentStatus.DISPATCHED,
                acknowledged_at__isnull=True,
                escalated_at__isnull=True,
                dispatched_at__lte=cutoff,
            )
            .order_by("dispatched_at")[:limit]
        )
        for assignment in overdue:
            assignment.escalated_at = now
            assignment.version += 1
            assignment.save(update_fields=["escalated_at", "version"])
            _log(
                assignment.incident,
                kind="assignment.escalated",
                message=timeline.TEAM_NOT_ACKNOWLEDGED,
                params={"team": assignment.team.call_sign, "seconds": limit_seconds},
                assignment=assignment,
                at=now,
            )
            audit_record(
                actor=None,
                action="assignment.escalate",
                obj=assignment,
                detail={"limit_seconds": limit_seconds},
            )
            streams_append(
                streams=[BOARD],
                kind="assignment.escalated",
                data={
                    **_assignment_event_data(assignment),
                    "escalated_at": now.isoformat(),
                    "dispatched_at": assignment.dispatched_at.isoformat(),
                },
            )
            escalated.append(assignment.pk)
    return escalated
