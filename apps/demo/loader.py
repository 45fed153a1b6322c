"""Loading the whole demo program: the people and teams, a week of calls, right now, then what each
other app adds (the directory, intake, follow-ups, tablets). A second run is a no-op.
"""

import random
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.demo import field as field_demo
from apps.demo import followups as followups_demo
from apps.demo import funding as funding_demo
from apps.demo import intake as intake_demo
from apps.demo import resources as resources_demo
from apps.demo.call_kinds import KINDS
from apps.demo.city import SEED
from apps.demo.history import _history, _one_doorbell_per_stream
from apps.demo.now import _final_team_statuses, _first_positions, _open_calls
from apps.demo.people import TEAMS, _program, demo_usernames
from apps.incidents.models import CallType, Encounter, Incident
from apps.streams.models import Event
from apps.teams.models import Team

# What the other apps add, in this order (follow-ups refer to the directory's services).
EXTENSIONS = (
    ("resources", resources_demo.load_demo_data),
    ("intake", intake_demo.load_demo_data),
    ("followups", followups_demo.load_demo_data),
    ("field", field_demo.load_demo_data),
    ("funding", funding_demo.load_demo_data),
)


def load_demo(*, stdout, now: datetime | None = None) -> dict:
    """Load the demo program, leaving alone what is already there; return how much was created."""
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    rng = random.Random(SEED)
    created = {"users": 0, "teams": 0, "incidents": 0}
    with transaction.atomic():
        cast = _program(now=now, created=created)
    with _one_doorbell_per_stream():
        _history(cast=cast, rng=rng, now=now, created=created, stdout=stdout)
    _open_calls(cast=cast, now=now, created=created)
    _final_team_statuses(cast)
    _first_positions(cast)
    _extensions(stdout=stdout)
    return created


def _extensions(*, stdout) -> None:
    for app, loader in EXTENSIONS:
        stdout.write(f"Loading {app} demo data…")
        loader(stdout=stdout)


def demo_summary() -> dict:
    return {
        "users": User.objects.filter(username__in=demo_usernames()).count(),
        "teams": Team.objects.filter(call_sign__in=[t[0] for t in TEAMS]).count(),
        "call types": CallType.objects.filter(code__in=list(KINDS)).count(),
        "incidents": Incident.objects.filter(external_id__startswith="demo-").count(),
        "open incidents": Incident.objects.filter(
            external_id__startswith="demo-", status__in=["pending", "dispatched", "on_scene"]
        ).count(),
        "encounters": Encounter.objects.filter(incident__external_id__startswith="demo-").count(),
        "events": Event.objects.count(),
    }
