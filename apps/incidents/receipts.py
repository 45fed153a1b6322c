"""Delivery receipts: a team member's tablet acknowledged the event that sent the team to a call.

The live backbone knows nothing of assignments; it announces every acknowledgement on
`apps.streams.hooks.stream_acknowledged` and this module, connected in IncidentsConfig.ready,
turns the ones that matter into receipts, inside the acknowledgement's transaction.
"""

from django.utils import timezone

from apps.accounts.roles import is_responder
from apps.accounts.selectors import user_team_id
from apps.incidents.models import Assignment, AssignmentReceipt
from apps.streams.models import Event
from apps.streams.names import BOARD, team_stream
from apps.streams.services import streams_append


def assignment_receipts_record(*, user, stream: str, after: int, seq: int) -> list[int]:
    """Store the receipts an ack proves and announce the first one per assignment on the board.

    On a team stream, an ack from a member of that team covering an `assignment.created` event is
    the tablet's proof of delivery: it is stored once per assignment and user, and the first one per
    assignment is announced on the board as `assignment.delivered`. It does not acknowledge the
    assignment for the team: only a person does that, and until then escalation still applies.
    Returns the ids of assignments newly delivered.
    """
    delivered: list[int] = []
    if not stream.startswith("team:") or not is_responder(user) or stream != team_stream(user_team_id(user) or 0):
        return delivered
    events = list(
        Event.objects.filter(stream=stream, kind="assignment.created", seq__gt=after, seq__lte=seq).only("seq", "data")
    )
    if not events:
        return delivered
    now = timezone.now()
    by_id = {e.data.get("assignment"): e for e in events if e.data.get("assignment")}
    assignments = Assignment.objects.filter(pk__in=list(by_id)).select_for_update()
    for assignment in assignments:
        event = by_id[assignment.pk]
        first = not AssignmentReceipt.objects.filter(assignment=assignment).exists()
        _receipt, created = AssignmentReceipt.objects.get_or_create(
            assignment=assignment,
            user=user,
            defaults={"stream": stream, "seq": event.seq, "delivered_at": now},
        )
        if created and first:
            delivered.append(assignment.pk)
            streams_append(
                streams=[BOARD],
                kind="assignment.delivered",
                data={
                    "assignment": assignment.pk,
                    "incident": assignment.incident_id,
                    "team": assignment.team_id,
                    "status": assignment.status,
                    "user": user.pk,
                    "delivered_at": now.isoformat(),
                },
            )
    return delivered


def on_stream_acknowledged(sender, *, user, stream: str, after: int, seq: int, **kwargs) -> None:
    """Receiver of `stream_acknowledged`."""
    assignment_receipts_record(user=user, stream=stream, after=after, seq=seq)
