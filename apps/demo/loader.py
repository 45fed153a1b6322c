"""Loading the whole demo program: the people and teams, a week of calls, right now, then what each
other app adds (the directory, intake, follow-ups, tablets, money), then the archive of the
thirteen-odd months before the week (apps/demo/archive/) and the insights rollups over all of it.
A second run is a no-op.
"""

import random
import time
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.demo import addresses as places_demo
from apps.demo import feedback as feedback_demo
from apps.demo import field as field_demo
from apps.demo import followups as followups_demo
from apps.demo import funding as funding_demo
from apps.demo import intake as intake_demo
from apps.demo import questions as questions_demo
from apps.demo import resources as resources_demo
from apps.demo.archive import PREFIX as ARCHIVE_PREFIX
from apps.demo.archive import archive_start, load_archive
from apps.demo.call_kinds import KINDS
from apps.demo.city import SEED
from apps.demo.history import _history, _one_doorbell_per_stream
from apps.demo.now import _final_team_statuses, _first_positions, _open_calls
from apps.demo.people import TEAMS, _program, demo_usernames
from apps.incidents.models import CallType, Encounter, Incident
from apps.insights.services import releases_publish, rollups_rebuild
from apps.streams.models import Event
from apps.teams.models import Team

# What the other apps add, in this order (follow-ups refer to the directory's services).
EXTENSIONS = (
    ("resources", resources_demo.load_demo_data),
    ("places", places_demo.load_demo_data),
    ("intake", intake_demo.load_demo_data),
    ("followups", followups_demo.load_demo_data),
    ("field", field_demo.load_demo_data),
    ("funding", funding_demo.load_demo_data),
    ("feedback", feedback_demo.load_demo_data),
)


def load_demo(*, stdout, now: datetime | None = None) -> dict:
    """Load the demo program, leaving alone what is already there; return how much was created."""
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    rng = random.Random(SEED)
    created = {"users": 0, "teams": 0, "incidents": 0}
    with transaction.atomic():
        cast = _program(now=now, created=created)
    with transaction.atomic():
        questions_demo.published_form(actor=cast.supervisor)  # before the week, so its encounters answer it
    with _one_doorbell_per_stream():
        _history(cast=cast, rng=rng, now=now, created=created, stdout=stdout)
    _open_calls(cast=cast, now=now, created=created)
    _final_team_statuses(cast)
    _first_positions(cast)
    _extensions(stdout=stdout, since=archive_start(now))
    stdout.write("Loading the archive of the year before the week…")
    created["incidents"] += load_archive(now=now, stdout=stdout)
    stdout.write(f"Partners' word on {feedback_demo.handoff_answers()} closed referrals' handoffs.")
    cards = feedback_demo.feedback_cards()
    stdout.write(f"{cards} feedback cards offered; answer one at /f/{feedback_demo.DEMO_CARD_TOKEN}/")
    if created["incidents"]:  # the archive sends no events for the rollups to follow: rebuild them
        started = time.monotonic()
        rebuilt = rollups_rebuild()
        stdout.write(f"Insights rollups rebuilt in {time.monotonic() - started:.1f} s: {rebuilt}")
        started = time.monotonic()
        released = releases_publish()  # what the beat's publish task keeps current from now on
        stdout.write(f"Public releases computed in {time.monotonic() - started:.1f} s: {released} periods.")
    return created


def _extensions(*, stdout, since) -> None:
    for app, loader in EXTENSIONS:
        stdout.write(f"Loading {app} demo data…")
        if app == "funding":
            loader(stdout=stdout, since=since)  # money spent over the archive's months as well
        else:
            loader(stdout=stdout)


def demo_summary() -> dict:
    return {
        "users": User.objects.filter(username__in=demo_usernames()).count(),
        "teams": Team.objects.filter(call_sign__in=[t[0] for t in TEAMS]).count(),
        "call types": CallType.objects.filter(code__in=list(KINDS)).count(),
        "incidents": Incident.objects.filter(external_id__startswith="demo-").count(),
        "archived calls": Incident.objects.filter(external_id__startswith=ARCHIVE_PREFIX).count(),
        "open incidents": Incident.objects.filter(
            external_id__startswith="demo-", status__in=["pending", "dispatched", "on_scene"]
        ).count(),
        "encounters": Encounter.objects.filter(incident__external_id__startswith="demo-").count(),
        "archived encounters": Encounter.objects.filter(incident__external_id__startswith=ARCHIVE_PREFIX).count(),
        "events": Event.objects.count(),
    }
