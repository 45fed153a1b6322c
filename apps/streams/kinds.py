"""Every event kind a stream carries, what it means, and the keys its `data` always holds.

`stream_append` refuses a kind missing here, or data without the registered keys, so the board,
the tablets and outside clients can rely on `docs/streams.md` (a test keeps its table equal to this
registry). Events may carry more keys than listed (fields are added, never renamed or removed).
Plain strings only: streams sit at the bottom and import no domain app.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class EventKind:
    meaning: str
    keys: tuple[str, ...]


_ASSIGNMENT = ("assignment", "incident", "team", "status", "version")
_INCIDENT = ("incident", "status", "priority", "call_type", "version", "screening_complete")
_CHECKIN = ("assignment", "team", "incident", "due_at", "interval_minutes", "overdue_at")
_CO_RESPONSE = ("id", "incident", "agency", "reason", "requested_at", "arrived_at", "left_at", "outcome", "version")
_EMERGENCY = ("id", "team", "call_sign", "incident", "status", "raised_at", "latitude", "longitude")
_FOLLOWUP = ("followup", "kind", "status", "due_at", "team", "assignee", "encounter", "responder", "referral")

EVENT_KINDS: dict[str, EventKind] = {
    "incident.created": EventKind("A call was created (board).", _INCIDENT),
    "incident.updated": EventKind(
        "A call changed: details (`fields` names them; board and the teams working it), cancelled or closed (board).",
        _INCIDENT,
    ),
    "assignment.created": EventKind("A team was assigned to a call (board and the team).", _ASSIGNMENT),
    "assignment.delivered": EventKind(
        "A responder's tablet acked the assignment's event: it is on the tablet (board).",
        ("assignment", "incident", "team", "status", "user", "delivered_at"),
    ),
    "assignment.acknowledged": EventKind(
        "A person on the team acknowledged the call (board and the team).", _ASSIGNMENT
    ),
    "assignment.status": EventKind(
        "An assignment moved: en route, on scene, cleared, cancelled... (board and the team).", _ASSIGNMENT
    ),
    "assignment.escalated": EventKind(
        "Nobody acknowledged the assignment within the limit (board).", (*_ASSIGNMENT, "escalated_at", "dispatched_at")
    ),
    "team.status": EventKind(
        "A team's unit status changed (board and the team).", ("team", "call_sign", "status", "status_changed_at")
    ),
    "team.position": EventKind(
        "A team's current position moved (a newer report; board).",
        ("team", "latitude", "longitude", "accuracy_m", "at"),
    ),
    "emergency.raised": EventKind(
        "A responder pressed the emergency button: last known position, the call if any (board and the team).",
        _EMERGENCY,
    ),
    "emergency.acknowledged": EventKind("Dispatch acknowledged a team's emergency (board and the team).", _EMERGENCY),
    "emergency.resolved": EventKind("Dispatch resolved a team's emergency (board and the team).", _EMERGENCY),
    "checkin.answered": EventKind(
        "A team on scene answered its check-in; the next one is due at `due_at` (board and the team).", _CHECKIN
    ),
    "checkin.overdue": EventKind("A team on scene did not answer its check-in in time (board and the team).", _CHECKIN),
    "co_response.requested": EventKind(
        "Police, fire or EMS was asked to a call, with why (board and the teams on the call).", _CO_RESPONSE
    ),
    "co_response.updated": EventKind(
        "A co-response's arrival, departure or outcome was recorded (board and the teams on the call).", _CO_RESPONSE
    ),
    "encounter.recorded": EventKind(
        "An encounter was recorded or amended (the team).", ("encounter", "incident", "version")
    ),
    "encounter.form_published": EventKind(
        "A new version of the encounter questions was published: tablets fetch it (every active team).",
        ("form_version", "number"),
    ),
    "encounter.note_added": EventKind(
        "A note was added to an encounter (board, and the team).", ("encounter", "incident", "note")
    ),
    "referral.updated": EventKind(
        "A referral was made or changed status (the referring team, or its author).",
        ("referral", "encounter", "status", "version"),
    ),
    "followup.created": EventKind("A follow-up was scheduled (its assignee, or its team).", _FOLLOWUP),
    "followup.completed": EventKind("A follow-up was completed (its assignee, or its team).", _FOLLOWUP),
    "followup.cancelled": EventKind("A follow-up was cancelled (its assignee, or its team).", _FOLLOWUP),
    "followup.due": EventKind("A follow-up fell due (its assignee, or its team).", _FOLLOWUP),
    "followup.overdue": EventKind("A follow-up is past due and grace (each supervisor, or the board).", _FOLLOWUP),
    "resource.capacity": EventKind(
        "A service's available capacity changed (board).", ("service", "available", "total", "unit")
    ),
    "policy.published": EventKind(
        "A screening policy version came into force (board).", ("policy_version", "number", "targets")
    ),
    "call.screened": EventKind(
        "A call was screened: in, handed back, or an unmet need (board).",
        ("decision", "incident", "response_type", "overridden", "unmet_need", "duplicate_of"),
    ),
    "call.duplicate_linked": EventKind(
        "A call was linked to an earlier one as its duplicate (board).", ("flag", "incident", "candidate")
    ),
    "call.duplicate_dismissed": EventKind(
        "A possible duplicate was dismissed as a distinct call (board).", ("flag", "incident", "candidate")
    ),
    "device.revoked": EventKind("A tablet was revoked: wipe its local data (each user who used it).", ("device",)),
}


class EventRefused(ValueError):
    """An unregistered kind or data missing registered keys: a programming error, never a user's."""


def event_check(kind: str, data: dict) -> None:
    registered = EVENT_KINDS.get(kind)
    if registered is None:
        raise EventRefused(f"Event kind {kind!r} is not registered: add it to apps/streams/kinds.py.")
    if not isinstance(data, dict):
        raise EventRefused(f"Event {kind!r} needs a dict of data, not {type(data).__name__}.")
    missing = [key for key in registered.keys if key not in data]
    if missing:
        raise EventRefused(f"Event {kind!r} is missing {', '.join(missing)} (registered in apps/streams/kinds.py).")
