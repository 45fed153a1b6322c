"""The state machines of incidents and assignments: which moves are allowed, and what each stamps.

Services consult these tables; nothing else decides whether a transition is legal.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class IncidentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a team")
    DISPATCHED = "dispatched", _("Team dispatched")
    ON_SCENE = "on_scene", _("Team on scene")
    CLOSED = "closed", _("Closed")
    # Spanish words for a call (llamada) and an assignment (asignación) agree with them: "Cancelada".
    CANCELLED = "cancelled", pgettext_lazy("status of a call or an assignment", "Cancelled")


# A safety flag that holds a call back from dispatch until its screening is complete: critical
# safety questions unanswered, or a call from a call center that the call-taker has not screened yet.
SCREENING_HOLD = "not_yet_safe_to_decide"


class AssignmentStatus(models.TextChoices):
    DISPATCHED = "dispatched", _("Dispatched")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    EN_ROUTE = "en_route", _("En route")
    ON_SCENE = "on_scene", _("On scene")
    TRANSPORTING = "transporting", _("Transporting")
    AT_DESTINATION = "at_destination", _("At destination")
    CLEARED = "cleared", _("Cleared")
    # Spanish words for a call (llamada) and an assignment (asignación) agree with them: "Cancelada".
    CANCELLED = "cancelled", pgettext_lazy("status of a call or an assignment", "Cancelled")


A = AssignmentStatus

ASSIGNMENT_TRANSITIONS: dict[str, set[str]] = {
    A.DISPATCHED: {A.ACKNOWLEDGED, A.EN_ROUTE, A.ON_SCENE, A.CANCELLED},
    A.ACKNOWLEDGED: {A.EN_ROUTE, A.ON_SCENE, A.CANCELLED},
    A.EN_ROUTE: {A.ON_SCENE, A.CANCELLED},
    A.ON_SCENE: {A.TRANSPORTING, A.CLEARED},
    A.TRANSPORTING: {A.AT_DESTINATION, A.CLEARED},
    A.AT_DESTINATION: {A.CLEARED},
    A.CLEARED: set(),
    A.CANCELLED: set(),
}

# The timestamp each assignment status stamps when it is entered.
ASSIGNMENT_STAMPS: dict[str, str] = {
    A.DISPATCHED: "dispatched_at",
    A.ACKNOWLEDGED: "acknowledged_at",
    A.EN_ROUTE: "en_route_at",
    A.ON_SCENE: "on_scene_at",
    A.TRANSPORTING: "transport_started_at",
    A.AT_DESTINATION: "at_destination_at",
    A.CLEARED: "cleared_at",
    A.CANCELLED: "cancelled_at",
}

ACTIVE_ASSIGNMENT_STATUSES = {A.DISPATCHED, A.ACKNOWLEDGED, A.EN_ROUTE, A.ON_SCENE, A.TRANSPORTING, A.AT_DESTINATION}
FINISHED_ASSIGNMENT_STATUSES = {A.CLEARED, A.CANCELLED}

# Statuses a responder reports from the field (the public status API accepts exactly these).
FIELD_STATUSES = [A.EN_ROUTE, A.ON_SCENE, A.TRANSPORTING, A.AT_DESTINATION, A.CLEARED]

# The team status that each assignment status puts the team in.
TEAM_STATUS_FOR_ASSIGNMENT = {
    A.DISPATCHED: "assigned",
    A.ACKNOWLEDGED: "assigned",
    A.EN_ROUTE: "en_route",
    A.ON_SCENE: "on_scene",
    A.TRANSPORTING: "transporting",
    A.AT_DESTINATION: "at_destination",
    A.CLEARED: "available",
    A.CANCELLED: "available",
}

IS = IncidentStatus

INCIDENT_TRANSITIONS: dict[str, set[str]] = {
    IS.PENDING: {IS.DISPATCHED, IS.ON_SCENE, IS.CANCELLED, IS.CLOSED},
    IS.DISPATCHED: {IS.PENDING, IS.ON_SCENE, IS.CLOSED, IS.CANCELLED},
    IS.ON_SCENE: {IS.DISPATCHED, IS.PENDING, IS.CLOSED},
    IS.CLOSED: set(),
    IS.CANCELLED: set(),
}

OPEN_INCIDENT_STATUSES = {IS.PENDING, IS.DISPATCHED, IS.ON_SCENE}


def assignment_can_move(current: str, target: str) -> bool:
    return target in ASSIGNMENT_TRANSITIONS.get(current, set())


def incident_can_move(current: str, target: str) -> bool:
    return current == target or target in INCIDENT_TRANSITIONS.get(current, set())
