"""A write the board or a tablet shows is announced on its stream in the same transaction, whichever
door made it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.followups import services as followups
from apps.incidents import services as incident_services
from apps.intake.models import DuplicateFlag
from apps.streams.models import Event
from tests.doors import api_as
from tests.followups.conftest import document_encounter

pytestmark = pytest.mark.django_db

# --- a write the board or a tablet shows is announced on its stream, in the same transaction -----


def events(kind: str) -> list:
    return list(Event.objects.filter(kind=kind).values_list("stream", "data"))


def test_follow_ups_created_completed_and_cancelled_reach_the_stream_of_whoever_works_them(supervisor, responder, team):
    due = timezone.now() + timedelta(days=1)
    mine = followups.followup_create(actor=supervisor, kind="check_in_call", due_at=due, assignee_id=responder.pk)
    teams = followups.followup_create(actor=supervisor, kind="visit", due_at=due, team_id=team.pk)
    created = events("followup.created")
    assert (f"user:{responder.pk}", str(mine.pk)) in [(s, d["followup"]) for s, d in created]
    assert (f"team:{team.pk}", str(teams.pk)) in [(s, d["followup"]) for s, d in created]
    body = {"outcome": "reached"}
    response = api_as(responder).post(f"/api/v1/followups/{mine.pk}/complete/", body, format="json")
    assert response.status_code == 200
    [(stream, data)] = events("followup.completed")
    assert (stream, data["followup"], data["status"]) == (f"user:{responder.pk}", str(mine.pk), "done")
    followups.followup_cancel(actor=supervisor, followup_id=teams.pk, reason="moved away")
    [(stream, data)] = events("followup.cancelled")
    assert (stream, data["status"]) == (f"team:{team.pk}", "cancelled")


def test_a_note_on_an_encounter_reaches_the_board_and_the_team(dispatcher, responder, team):
    encounter = document_encounter(dispatcher=dispatcher, responder=responder, team=team).encounter
    note = incident_services.encounter_add_note(actor=responder, encounter_id=encounter.pk, text="Called back")
    announced = events("encounter.note_added")
    assert sorted(stream for stream, _ in announced) == ["board", f"team:{team.pk}"]
    assert announced[0][1] == {"encounter": str(encounter.pk), "incident": encounter.incident_id, "note": str(note.pk)}


def test_a_dismissed_duplicate_flag_reaches_the_board(dispatcher):
    first, second = (
        incident_services.incident_create(actor=dispatcher, summary="Cold", location_text=place)
        for place in ("Park", "Park gate")
    )
    flag = DuplicateFlag.objects.create(incident=second, candidate=first, distance_m=20, minutes_apart=3)
    response = api_as(dispatcher).post(f"/api/v1/intake/duplicates/{flag.pk}/dismiss/", format="json")
    assert response.status_code == 200
    assert events("call.duplicate_dismissed") == [
        ("board", {"flag": flag.pk, "incident": second.pk, "candidate": first.pk})
    ]
