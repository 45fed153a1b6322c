"""A sync batch is one transaction: a failing mutation undone alone (runs and savepoints:
test_sync_runs.py), the audit rows, timeline entries, events and AppliedMutation rows written in one
go at its end (issue 20)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditEntry
from apps.common.errors import ApplicationError
from apps.field.models import AppliedMutation
from apps.field.mutations import HANDLERS
from apps.incidents.models import Encounter, EncounterNote, IncidentLogEntry
from apps.streams.models import Event, StreamCounter
from apps.streams.names import BOARD, team_stream
from tests.field.helpers import assigned_call, encounter_create, note
from tests.field.helpers import synced as sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def encounter_id(tablet, device, dispatcher, team):
    incident, assignment = assigned_call(dispatcher, team)
    create = encounter_create(incident, assignment)
    assert sync(tablet, device, [create])[0]["status"] == "applied"
    return create["record"]


def written_for(note_id: str) -> dict:
    """What the batch wrote about one note: its row, audit rows, timeline entries and events."""
    return {
        "note": EncounterNote.objects.filter(pk=note_id).count(),
        "audit": AuditEntry.objects.filter(action="encounter.note", detail__note=note_id).count(),
        "timeline": IncidentLogEntry.objects.filter(kind="encounter.note", data__note=note_id).count(),
        "events": Event.objects.filter(kind="encounter.note_added", data__note=note_id).count(),
    }


NOTHING = {"note": 0, "audit": 0, "timeline": 0, "events": 0}
EVERYTHING = {"note": 1, "audit": 1, "timeline": 1, "events": 2}  # the board's event and the team's


def test_a_mutation_failing_after_its_service_wrote_leaves_nothing_and_its_neighbours_everything(
    tablet, device, encounter_id, monkeypatch
):
    """The note's service writes the note, its timeline entry, audit row and events, then the
    mutation fails: its savepoint undoes the note and the held rows go with it."""
    real = HANDLERS["encounter.note"]

    def fails_after_writing(ctx):
        answer = real(ctx)
        if ctx.data["text"] == "this one fails late":
            raise ApplicationError("Failed after the service wrote.")
        return answer

    monkeypatch.setitem(HANDLERS, "encounter.note", fails_after_writing)
    batch = [note(encounter_id, "before"), note(encounter_id, "this one fails late"), note(encounter_id, "after")]
    results = sync(tablet, device, batch)
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    # A note without its own id takes the mutation's.
    assert written_for(batch[0]["id"]) == EVERYTHING
    assert written_for(batch[1]["id"]) == NOTHING
    assert written_for(batch[2]["id"]) == EVERYTHING
    assert not AppliedMutation.objects.filter(pk=batch[1]["id"]).exists()
    assert AppliedMutation.objects.filter(pk__in=[batch[0]["id"], batch[2]["id"]]).count() == 2
    # Not applied, so not stored: the tablet may send it again.
    monkeypatch.setitem(HANDLERS, "encounter.note", real)
    assert sync(tablet, device, [batch[1]])[0]["status"] == "applied"
    assert written_for(batch[1]["id"]) == EVERYTHING


def test_a_refused_mutation_in_the_middle_is_audited_as_denied_and_writes_nothing_else(
    tablet, device, encounter_id, dispatcher, other_team
):
    incident, assignment = assigned_call(dispatcher, other_team)
    stranger = encounter_create(incident, assignment)
    batch = [note(encounter_id, "before"), stranger, note(encounter_id, "after")]
    results = sync(tablet, device, batch)
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert results[1]["http_status"] == 403
    assert written_for(batch[0]["id"]) == EVERYTHING and written_for(batch[2]["id"]) == EVERYTHING
    denied = AuditEntry.objects.get(outcome="denied", action="field.sync.encounter.create")
    assert denied.detail["mutation"] == stranger["id"] and denied.object_id == stranger["record"]
    assert not AuditEntry.objects.filter(action="encounter.write", object_id=stranger["record"]).exists()
    assert not Event.objects.filter(kind="encounter.recorded", data__encounter=stranger["record"]).exists()


def test_a_batchs_events_are_in_mutation_order_with_contiguous_seqs(tablet, device, encounter_id, team):
    before = {s: StreamCounter.objects.get(stream=s).last_seq for s in (BOARD, team_stream(team.pk))}
    batch = [note(encounter_id, f"note {i}") for i in range(12)]
    assert {r["status"] for r in sync(tablet, device, batch)} == {"applied"}
    for stream in (BOARD, team_stream(team.pk)):
        events = list(Event.objects.filter(stream=stream, seq__gt=before[stream]).order_by("seq"))
        assert [e.seq for e in events] == list(range(before[stream] + 1, before[stream] + 13))
        assert [e.data["note"] for e in events] == [m["id"] for m in batch]
        assert StreamCounter.objects.get(stream=stream).last_seq == before[stream] + 12


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (AuditEntry, Event, IncidentLogEntry, AppliedMutation, EncounterNote)
    } | {"counters": sorted(StreamCounter.objects.values_list("stream", "last_seq"))}


def test_a_replayed_batch_writes_nothing(tablet, device, encounter_id):
    encounter = Encounter.objects.get(pk=encounter_id)
    batch = [encounter_create(encounter.incident, encounter.assignment)] + [
        note(encounter_id, f"note {i}") for i in range(5)
    ]
    first = sync(tablet, device, batch)
    assert {r["status"] for r in first} == {"applied"}
    after_first = counts()
    again = sync(tablet, device, batch)
    assert [r["status"] for r in again] == ["duplicate"] * 6
    assert [r["record"] for r in again] == [r["record"] for r in first]
    assert counts() == after_first


def inserts_into(queries, model) -> int:
    return sum(1 for q in queries.captured_queries if f'INSERT INTO "{model._meta.db_table}"' in q["sql"])


def test_queries_per_mutation_do_not_grow_with_the_batch(tablet, device, encounter_id):
    measured = {}
    for size in (10, 40):
        with CaptureQueriesContext(connection) as queries:
            results = sync(tablet, device, [note(encounter_id, f"note {i}") for i in range(size)])
        assert {r["status"] for r in results} == {"applied"}
        measured[size] = len(queries)
        # The held rows go in one INSERT per table, whatever the batch's size.
        for model in (AuditEntry, IncidentLogEntry):
            assert inserts_into(queries, model) == 1, (model, size)
        # The events in one INSERT; on PostgreSQL the same statement moves both counters (the board's,
        # the team's), so the board's stays locked only for it and the commit.
        assert inserts_into(queries, Event) == 1, size
        moves = sum(q["sql"].startswith('UPDATE "streams_streamcounter"') for q in queries.captured_queries)
        assert moves == (0 if connection.vendor == "postgresql" else 2), size
        assert inserts_into(queries, AppliedMutation) == 1  # the answers, once the batch is applied
        assert inserts_into(queries, EncounterNote) == 1  # a run's notes in one INSERT (both sizes: one run)
    per_mutation = (measured[40] - measured[10]) / 30
    # A note costs no statement of its own: the encounter is read once per batch, a run of mutations
    # shares one savepoint (which the note's service uses as its own) and the run's notes one INSERT.
    assert per_mutation == 0, measured
    assert measured[10] <= 26, measured  # what a batch costs whatever its size
