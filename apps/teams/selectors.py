from django.db.models import Prefetch, QuerySet

from apps.incidents.models import Assignment
from apps.incidents.states import ACTIVE_ASSIGNMENT_STATUSES
from apps.teams.models import Team


def teams_for_board() -> QuerySet[Team]:
    """Active teams with their current assignment, in one query plus one prefetch."""
    current = Assignment.objects.filter(status__in=ACTIVE_ASSIGNMENT_STATUSES).select_related("incident")
    return Team.objects.filter(active=True).prefetch_related(
        Prefetch("assignments", queryset=current, to_attr="current_assignments")
    )
