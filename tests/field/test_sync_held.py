"""In a run of a sync batch, new encounters, their versions and notes are held and written one INSERT
per table as the run ends; any other change has them written first, since it may read them. A row
the database refuses at the end of a run costs only its own change (issue 20)."""

from datetime import UTC

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.field.models import AppliedMutation
from apps.incidents.models import Encounter, EncounterNote, EncounterVersion
from tests.field.helpers import assigned_call, encounter_amend, encounter_create, note
from tests.field.helpers import synced as sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(dispatcher, team):
    return assigned_call(dispatcher, team)


@pytest.fixture
def run():
    from apps.field.services import CHUNK

    return CHUNK


def inserts_into(queries, model) -> int:
    return sum(1 for q in queries.captured_queries if q["sql"].startswith(f'INSERT INTO "{model._meta.db_table}"'))


def outbox(call, encounters: int, notes_each: int) -> list[dict]:
    batch = []
    for _ in range(encounters):
        create = encounter_create(*call)
        batch += [create] + [note(create["record"], f"note {i}") for i in range(notes_each)]
    return batch


def test_a_runs_new_encounters_versions_and_notes_are_one_insert_per_table(tablet, device, call, run):
    batch = outbox(call, encounters=2 * run // 5 + 2, notes_each=4)  # a little over two runs
    runs = -(-len(batch) // run)
    with CaptureQueriesContext(connection) as queries:
        results = sync(tablet, device, batch)
    assert {r["status"] for r in results} == {"applied"}
    for model in (Encounter, EncounterVersion, EncounterNote):
        assert inserts_into(queries, model) == runs, model
    creates = [m for m in batch if m["type"] == "encounter.create"]
    assert Encounter.objects.filter(pk__in=[m["record"] for m in creates], current_version=1).count() == len(creates)
    assert EncounterVersion.objects.filter(encounter_id__in=[m["record"] for m in creates], number=1).count() == len(
        creates
    )
    assert EncounterNote.objects.filter(pk__in=[m["id"] for m in batch if m["type"] == "encounter.note"]).count() == (
        len(batch) - len(creates)
    )


def test_the_answer_carries_the_times_that_were_stored(tablet, device, call):
    """Written after the answer was built, the rows still hold the times the answer gave."""
    create = encounter_create(*call)
    results = sync(tablet, device, [create, note(create["record"], "held, then written")])
    encounter = Encounter.objects.get(pk=create["record"])
    version = encounter.versions.get()
    stored_note = EncounterNote.objects.get(encounter=encounter)
    assert results[0]["record"]["created_at"] == encounter.created_at.astimezone(UTC).isoformat()
    assert results[0]["record"]["current"]["created_at"] == version.created_at.astimezone(UTC).isoformat()
    assert results[1]["record"]["id"] == str(stored_note.pk)
    assert results[1]["record"]["created_at"] == stored_note.created_at.astimezone(UTC).isoformat()


def test_an_amend_in_the_same_run_sees_the_notes_and_version_written_before_it(tablet, device, call):
    create = encounter_create(*call)
    batch = [create, note(create["record"], "first"), note(create["record"], "second")]
    batch.append(encounter_amend(create["record"], 1))
    batch.append(note(create["record"], "after the amend"))
    results = sync(tablet, device, batch)
    assert [r["status"] for r in results] == ["applied"] * 5
    amended = results[3]["record"]
    assert amended["version"] == 2
    assert [n["text"] for n in amended["notes"]] == ["first", "second"]
    assert Encounter.objects.get(pk=create["record"]).current_version == 2
    assert EncounterNote.objects.filter(encounter_id=create["record"]).count() == 3


def test_a_second_create_of_the_same_encounter_in_one_run_is_a_conflict_and_the_run_still_applies(tablet, device, call):
    create = encounter_create(*call)
    again = encounter_create(*call, record=create["record"], narrative="Written twice.")
    other = encounter_create(*call)
    batch = [create, note(create["record"]), again, other, note(other["record"])]
    results = sync(tablet, device, batch)
    assert [r["status"] for r in results] == ["applied", "applied", "conflict", "applied", "applied"]
    assert results[2]["record"]["id"] == create["record"]  # the server's copy, to show beside the tablet's
    assert EncounterVersion.objects.filter(encounter_id=create["record"]).count() == 1
    assert Encounter.objects.filter(pk=other["record"]).exists()
    assert not AppliedMutation.objects.filter(pk=again["id"]).exists()


def test_a_note_the_database_refuses_at_the_end_of_its_run_costs_only_itself(tablet, device, call):
    create = encounter_create(*call)
    first = note(create["record"], "first")
    assert [r["status"] for r in sync(tablet, device, [create, first])] == ["applied", "applied"]
    # A different change reusing the first note's id: only the INSERT at the run's end can refuse it.
    reused = note(create["record"], "same note id, new change")
    reused["data"]["id"] = first["id"]
    later = note(create["record"], "later")
    results = sync(tablet, device, [note(create["record"], "before"), reused, later])
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert results[1]["http_status"] == 503  # kept queued: the tablet may send it again
    assert EncounterNote.objects.get(pk=first["id"]).text == "first"
    assert EncounterNote.objects.filter(encounter_id=create["record"]).count() == 3


def test_after_commit_the_doorbells_ring_before_the_follow_up_rules_run(
    tablet, device, call, monkeypatch, django_capture_on_commit_callbacks
):
    """The board and tablets hear of a batch first; the rules (which only add follow-ups) come after."""
    from apps.incidents.hooks import encounter_recorded
    from apps.streams import services as streams

    happened = []
    real_ring = streams.ring_doorbell

    def ring(stream, seq, message=None):
        happened.append(("doorbell", stream))
        return real_ring(stream, seq, message)

    def rules(sender, **kwargs):
        happened.append(("rules", None))

    monkeypatch.setattr(streams, "ring_doorbell", ring)
    encounter_recorded.connect(rules)
    try:
        create = encounter_create(*call)
        with django_capture_on_commit_callbacks(execute=True):
            results = sync(tablet, device, [create, note(create["record"])])
    finally:
        encounter_recorded.disconnect(rules)
    assert {r["status"] for r in results} == {"applied"}
    assert [what for what, _stream in happened] == ["doorbell", "doorbell", "rules"]
