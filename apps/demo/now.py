"""The demo right now: calls waiting and being worked, every team's status, and a position on the map."""

import random
from datetime import datetime, timedelta

from django.db import transaction

from apps.demo.call_kinds import KINDS
from apps.demo.city import DISTRICTS, SEED
from apps.demo.history import _location
from apps.demo.people import OFF_DUTY_TEAMS, Cast
from apps.incidents.models import Incident
from apps.incidents.services import (
    assignment_set_status,
    incident_assign,
    incident_create,
)
from apps.teams.models import Team, UnitStatus
from apps.teams.services import team_report_position, team_set_status

OPEN_CALLS = [
    # (key, minutes ago, call type, priority, source, district index, team index or None, steps minutes ago)
    ("demo-open-1", 3, "suicidal_ideation", 1, "988", 0, None, []),
    ("demo-open-2", 9, "mental_health_crisis", 2, "911", 2, None, []),
    ("demo-open-3", 14, "welfare_check", 3, "311", 5, None, []),
    ("demo-open-4", 26, "homelessness_outreach", 4, "211", 3, None, []),
    ("demo-open-5", 38, "intoxication", 3, "911", 0, 0, [("dispatch", 35), ("en_route", 33), ("on_scene", 21)]),
    ("demo-open-6", 8, "disorientation", 3, "police_request", 1, 1, [("dispatch", 6), ("en_route", 4)]),
]


def _open_calls(*, cast: Cast, now: datetime, created: dict) -> None:
    existing = set(Incident.objects.filter(external_id__startswith="demo-open-").values_list("external_id", flat=True))
    open_rng = random.Random(SEED + 1)
    for key, ago, code, priority, source, district_index, team_index, steps in OPEN_CALLS:
        district = DISTRICTS[district_index]
        location, lat, lon = _location(open_rng, district)
        summary = open_rng.choice(KINDS[code].summaries)
        if key in existing:
            continue
        with transaction.atomic():
            incident = incident_create(
                actor=cast.dispatcher if source in {"police_request", "self_initiated"} else cast.calltaker,
                summary=summary,
                location_text=location,
                call_type=code,
                priority=priority,
                source=source,
                latitude=lat,
                longitude=lon,
                district=district.name,
                callback="303-555-0142" if source in {"911", "988", "211", "311"} else "",
                received_at=now - timedelta(minutes=ago),
                external_id=key,
            )
            created["incidents"] += 1
            if team_index is None:
                continue
            team = Team.objects.get(pk=cast.teams[team_index].pk)
            if team.status != UnitStatus.AVAILABLE:
                continue  # the team is busy with something else now; leave the call waiting
            assignment = None
            for step, minutes in steps:
                at = now - timedelta(minutes=minutes)
                if step == "dispatch":
                    assignment = incident_assign(actor=cast.dispatcher, incident_id=incident.pk, team_id=team.pk, at=at)
                else:
                    responder = cast.crew[team.pk][0]
                    assignment_set_status(actor=responder, assignment_id=assignment.pk, status=step, at=at)


def _final_team_statuses(cast: Cast) -> None:
    """End with every team either available, off duty, or on one of the open calls."""
    for team in Team.objects.filter(pk__in=[t.pk for t in cast.teams]):
        wanted = UnitStatus.OFF_DUTY if team.call_sign in OFF_DUTY_TEAMS else UnitStatus.AVAILABLE
        if team.status == wanted or team.status not in {UnitStatus.AVAILABLE, UnitStatus.OFF_DUTY}:
            continue
        team_set_status(actor=cast.supervisor, team_id=team.pk, status=wanted, note="Demo shift")


def _first_positions(cast: Cast) -> None:
    """Give each team on shift a position (at its call, or near its home district) so the map shows it.

    Only teams that never reported one, so a second load adds no events.
    """
    centres = {d.name: (d.lat, d.lon) for d in DISTRICTS}
    rng = random.Random(SEED + 2)
    for team in Team.objects.filter(pk__in=[t.pk for t in cast.teams], last_position_at__isnull=True):
        if team.status == UnitStatus.OFF_DUTY:
            continue
        current = team.assignments.filter(status__in=["on_scene", "en_route"]).select_related("incident").first()
        if current is not None and current.incident.latitude is not None:
            lat, lon = current.incident.latitude, current.incident.longitude
            if current.status == "en_route":
                lat, lon = lat + 0.008, lon - 0.006
        else:
            lat, lon = centres.get(team.home_district, (DISTRICTS[0].lat, DISTRICTS[0].lon))
            lat, lon = lat + rng.uniform(-0.004, 0.004), lon + rng.uniform(-0.004, 0.004)
        team_report_position(actor=cast.crew[team.pk][0], team_id=team.pk, latitude=lat, longitude=lon)
