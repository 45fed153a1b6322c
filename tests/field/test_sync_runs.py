"""A sync batch applies its mutations in runs under one savepoint each; a run in which a mutation
fails is undone and applied again one savepoint per mutation. What the batch read once (which call
an encounter belongs to) is forgotten when a mutation that wrote it is undone (issue 20)."""

import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditEntry
from apps.common.errors import ApplicationError
from apps.field.models import AppliedMutation
from apps.field.mutations import HANDLERS
from apps.followups.defaults import ensure_default_rules
from apps.followups.models import FollowUp
from apps.incidents.hooks import encounter_recorded
from apps.incidents.models import Encounter, EncounterNote, IncidentLogEntry
from apps.streams.models import Event
from tests.field.helpers import assigned_call, encounter_create, note
from tests.field.helpers import synced as sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(dispatcher, team):
    return assigned_call(dispatcher, team)


@pytest.fixture
def encounter_id(tablet, device, call):
    create = encounter_create(*call)
    assert sync(tablet, device, [create])[0]["status"] == "applied"
    return create["record"]


@pytest.fixture
def run():
    """How many mutations share one savepoint (imported late: the module needs DRF's settings)."""
    from apps.field.services import CHUNK

    return CHUNK


def fail_late(monkeypatch, kind: str, when) -> None:
    """The handler of `kind` runs its service (which writes), then fails for the mutations `when` picks."""
    real = HANDLERS[kind]

    def handler(ctx):
        answer = real(ctx)
        if when(ctx):
            raise ApplicationError("Failed after the service wrote.")
        return answer

    monkeypatch.setitem(HANDLERS, kind, handler)


def statements(queries, start: str) -> int:
    return sum(1 for q in queries.captured_queries if q["sql"].startswith(start))


def test_a_failure_in_a_later_run_loses_only_itself_and_writes_everything_else_once(
    tablet, device, encounter_id, monkeypatch, run
):
    size = 2 * run + 20
    batch = [note(encounter_id, f"note {i}") for i in range(size)]
    failing = run + 25
    fail_late(monkeypatch, "encounter.note", lambda ctx: ctx.data["text"] == f"note {failing}")
    results = sync(tablet, device, batch)
    assert [i for i, r in enumerate(results) if r["status"] != "applied"] == [failing]
    applied = [m["id"] for i, m in enumerate(batch) if i != failing]
    assert EncounterNote.objects.filter(pk__in=[m["id"] for m in batch]).count() == size - 1
    assert sorted(map(str, AppliedMutation.objects.filter(pk__in=applied).values_list("pk", flat=True))) == sorted(
        applied
    )
    assert AuditEntry.objects.filter(action="encounter.note", detail__note__in=applied).count() == size - 1
    assert IncidentLogEntry.objects.filter(kind="encounter.note", data__note__in=applied).count() == size - 1
    assert Event.objects.filter(kind="encounter.note_added", data__note__in=applied).count() == 2 * (size - 1)
    assert not Event.objects.filter(data__note=batch[failing]["id"]).exists()


def test_a_clean_batch_takes_no_savepoint_per_mutation_of_its_own(tablet, device, encounter_id, run):
    size = 2 * run + 20
    with CaptureQueriesContext(connection) as queries:
        results = sync(tablet, device, [note(encounter_id, f"note {i}") for i in range(size)])
    assert {r["status"] for r in results} == {"applied"}
    # One per run of mutations (and a few of the batch's own); none per mutation, neither the batch's
    # nor the note service's (service_atomic: the run's savepoint already holds the note).
    assert 3 <= statements(queries, "SAVEPOINT") <= 3 + 5
    assert statements(queries, "ROLLBACK TO SAVEPOINT") == 0


def test_notes_on_an_encounter_created_in_the_same_batch_read_nothing_back(tablet, device, call):
    create = encounter_create(*call)
    batch = [create] + [note(create["record"], f"note {i}") for i in range(5)]
    with CaptureQueriesContext(connection) as queries:
        results = sync(tablet, device, batch)
    assert {r["status"] for r in results} == {"applied"}
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    # The batch's one read of which ids its creates may take, and no read of it for its notes.
    assert sum(1 for sql in reads if 'FROM "incidents_encounter"' in sql) == 1, reads
    assert sum(1 for sql in reads if 'FROM "incidents_assignment"' in sql) <= 1, reads


def test_a_note_on_an_encounter_whose_creation_was_undone_is_refused_and_the_batch_still_commits(
    tablet, device, call, encounter_id, monkeypatch, caplog
):
    doomed = encounter_create(*call)
    fail_late(monkeypatch, "encounter.create", lambda ctx: ctx.record == doomed["record"])
    batch = [note(encounter_id, "before"), doomed, note(doomed["record"], "on the undone one"), note(encounter_id)]
    with caplog.at_level(logging.WARNING, logger="apps.field.services"):
        results = sync(tablet, device, batch)
    assert [(r["status"], r["http_status"]) for r in results] == [
        ("applied", 200),
        ("rejected", 400),
        ("rejected", 404),
        ("applied", 200),
    ]
    assert not Encounter.objects.filter(pk=doomed["record"]).exists()
    assert not EncounterNote.objects.filter(pk=batch[2]["id"]).exists()
    # Answered from the batch itself, not by replaying it one mutation at a time after a failed commit.
    assert "one by one" not in caplog.text


def test_follow_up_rules_run_once_after_the_batch_commits_for_every_encounter_in_it(
    tablet, device, call, django_capture_on_commit_callbacks
):
    ensure_default_rules()  # "arrested: a wellness debrief for the responder"
    heard = []

    def listener(sender, *, encounter_version_ids, **kwargs):
        heard.append(sorted(encounter_version_ids))

    encounter_recorded.connect(listener)
    try:
        creates = [encounter_create(*call, disposition="arrest_by_police") for _ in range(3)]
        with django_capture_on_commit_callbacks(execute=True):
            results = sync(tablet, device, [*creates, note(creates[0]["record"])])
    finally:
        encounter_recorded.disconnect(listener)
    assert {r["status"] for r in results} == {"applied"}
    assert len(heard) == 1 and len(heard[0]) == 3
    for create in creates:
        assert FollowUp.objects.filter(kind="wellness_debrief", encounter_id=create["record"]).count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_tablets_applying_the_same_mutations_at_once_apply_them_once(responder, dispatcher, team):
    """Batches of different tablets do not take turns, so the answers' primary key is the guard: a
    copied outbox sent from a second tablet at the same moment writes nothing twice."""
    import threading

    from django.db import connections, transaction
    from rest_framework.test import APIClient

    from tests.factories import PASSWORD, DeviceFactory, device_key_for

    batch = [encounter_create(*assigned_call(dispatcher, team))]
    batch.append(note(batch[0]["record"], "Said the shelter bed is fine."))
    answers = {}

    def send(device, key):
        client = APIClient()
        body = {"username": responder.username, "password": PASSWORD, "device": str(device.pk), "device_key": key}
        assert client.post("/api/v1/auth/login/", body, format="json").status_code == 200
        answers[device.pk] = (client, [r["status"] for r in sync(client, device, batch)])
        connections.close_all()

    devices = [DeviceFactory(team=team), DeviceFactory(team=team)]
    keys = [device_key_for(d) for d in devices]
    threads = [threading.Thread(target=send, args=pair) for pair in zip(devices, keys, strict=True)]
    with transaction.atomic(), connection.cursor() as cursor:
        # Both batches read that nothing was applied, apply, and wait to write their answers.
        cursor.execute(f'LOCK TABLE "{AppliedMutation._meta.db_table}" IN EXCLUSIVE MODE')
        for thread in threads:
            thread.start()
        for _ in range(300):
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0] >= 2:
                break
            threading.Event().wait(0.1)
        else:
            raise AssertionError("the two batches never met")
    for thread in threads:
        thread.join(timeout=60)
    # The second to write its answers finds the first's: its own changes are undone, the answers the first's.
    outcomes = sorted(statuses for _client, statuses in answers.values())
    assert outcomes == [["applied", "applied"], ["duplicate", "duplicate"]], outcomes
    assert Encounter.objects.filter(pk=batch[0]["record"]).count() == 1
    assert EncounterNote.objects.filter(encounter_id=batch[0]["record"]).count() == 1
    assert AppliedMutation.objects.filter(pk__in=[m["id"] for m in batch]).count() == 2
    loser = next(d for d in devices if answers[d.pk][1] != ["applied", "applied"])
    assert [r["status"] for r in sync(answers[loser.pk][0], loser, batch)] == ["duplicate", "duplicate"]
