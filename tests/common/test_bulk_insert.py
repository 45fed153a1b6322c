"""Rows written by `bulk_insert` (one JSON document) read back exactly as `bulk_create` writes them.

The sync path writes every held audit entry, timeline entry, encounter record and sync answer this
way on PostgreSQL, so a value that JSON would bend (quotes, backslashes, a JSON string where an
object is usual, the person's encrypted details, a time to the microsecond) is compared field by field
against Django's own insert.
"""

import uuid
from datetime import UTC, datetime

import pytest
from django.db import DataError, connection, transaction

from apps.audit import chain
from apps.audit.models import AuditEntry
from apps.common.bulk import bulk_insert
from apps.field.models import AppliedMutation
from apps.incidents.models import Encounter, EncounterNote, EncounterVersion, IncidentLogEntry
from tests.factories import DeviceFactory, IncidentFactory, TeamFactory, UserFactory
from tests.field.helpers import assigned_call, encounter_create, note, synced

pytestmark = [pytest.mark.services, pytest.mark.django_db]

AWKWARD = 'He said "no" \\ then "ok" — Señora Díaz 🚑 \t tab'
AWKWARD_JSON = {"quote": AWKWARD, "nested": {"list": [1, "two", None, True, 2.5], "empty": {}}, '\\key"': ""}
WHEN = datetime(2026, 11, 30, 21, 4, 5, 123456, tzinfo=UTC)


def _values(model, pk) -> dict:
    """A row as the application reads it, without its key."""
    row = model.objects.filter(pk=pk).values().get()
    row.pop(model._meta.pk.attname)
    return row


def _same_rows(model, make, count=3, differ=()) -> list:
    """Write `count` rows each way; the rows read back must be equal, but for the key (and `differ`)."""
    by_django = model.objects.bulk_create([make(i) for i in range(count)])
    ours = bulk_insert(model, [make(i, ours=True) for i in range(count)])
    assert all(obj.pk is not None for obj in ours)
    for theirs, mine in zip(by_django, ours, strict=True):
        expected, got = _values(model, theirs.pk), _values(model, mine.pk)
        for name in differ:
            expected.pop(name), got.pop(name)
        assert got == expected
    return ours


def test_postgresql_is_what_is_compared():
    assert connection.vendor == "postgresql"


@pytest.mark.django_db(transaction=True)  # rows join the chain as their transaction commits
def test_audit_entries_read_back_as_djangos_and_join_the_chain():
    user = UserFactory(username="bulk-auditor")

    def make(i, ours=False):
        return AuditEntry(
            actor=user,
            actor_username=user.username,
            actor_role="supervisor",
            action="encounter.read",
            object_type="incidents.encounter",
            object_id=str(i),
            door="api",
            ip="2001:db8::1" if i % 2 else None,
            detail=AWKWARD_JSON if i else "just a string",
            record_ids=[str(i), AWKWARD],
            at=WHEN,
        )

    with transaction.atomic():
        ours = _same_rows(AuditEntry, make, differ=("at", "chain_seq", "prev_hash", "row_hash"))
    assert [e.pk for e in ours] == sorted(e.pk for e in ours)  # the keys came back in the rows' order
    assert [AuditEntry.objects.get(pk=e.pk).object_id for e in ours] == ["0", "1", "2"]
    assert AuditEntry.objects.filter(chain_seq__isnull=True).count() == 0
    report = chain.verify()
    assert report.ok and report.checked == 6, report


def test_timeline_entries_read_back_as_djangos():
    incident = IncidentFactory()

    def make(i, ours=False):
        return IncidentLogEntry(
            incident=incident,
            kind="note",
            text=AWKWARD[: 50 + i],
            message="Note added by %(name)s",
            params={"name": AWKWARD, "n": i},
            at=WHEN,
            data=AWKWARD_JSON if i else {},
        )

    with transaction.atomic():
        _same_rows(IncidentLogEntry, make)


def test_sync_answers_and_encounter_records_read_back_as_djangos():
    team = TeamFactory()
    user = UserFactory(username="bulk-responder", role="responder")
    device = DeviceFactory(team=team)
    incident = IncidentFactory()

    def answer(i, ours=False):
        return AppliedMutation(
            id=uuid.uuid4(),
            device=device,
            user=user,
            type="encounter.note",
            record=str(i),
            body_hash="a" * 64,
            result={"status": "applied", "record": AWKWARD_JSON},
            device_time=WHEN if i else None,
        )

    def encounter(i, ours=False):
        return Encounter(id=uuid.uuid4(), incident=incident, team=team, created_by=user, disposition="referred")

    with transaction.atomic():
        _same_rows(AppliedMutation, answer, differ=("applied_at",))
        encounters = _same_rows(Encounter, encounter, differ=("created_at",))

        def version(i, ours=False):
            return EncounterVersion(
                encounter=encounters[i],
                number=2 if ours else 1,  # one version of each number per encounter
                people_served=i,
                needs=["shelter", AWKWARD],
                services_provided=[],
                disposition="referred",
                referral_needed=bool(i),
                narrative=AWKWARD,
                person={"alias": AWKWARD, "age": 41},
                answers=AWKWARD_JSON,
                authored_by=user,
                device=device,
                device_time=WHEN,
            )

        def written_note(i, ours=False):
            return EncounterNote(id=uuid.uuid4(), encounter=encounters[i], author=user, text=AWKWARD, device_time=WHEN)

        versions = _same_rows(EncounterVersion, version, differ=("created_at", "number"))
        _same_rows(EncounterNote, written_note, differ=("created_at",))
    stored = EncounterVersion.objects.get(pk=versions[1].pk)
    assert (stored.narrative, stored.person, stored.answers) == (AWKWARD, {"alias": AWKWARD, "age": 41}, AWKWARD_JSON)
    with connection.cursor() as cursor:  # encrypted at rest, as bulk_create writes it
        cursor.execute("SELECT narrative FROM incidents_encounterversion WHERE id = %s", [stored.pk])
        assert AWKWARD not in cursor.fetchone()[0]


def test_a_value_postgresql_cannot_store_is_a_data_error_and_writes_nothing():
    """The sync relies on it: a DataError at the end of a run is retried change by change, and only
    the change holding the value is rejected."""
    incident = IncidentFactory()
    entry = IncidentLogEntry(incident=incident, kind="note", text="t", message="m", params={"x": "\ud800"}, at=WHEN)
    with pytest.raises(DataError), transaction.atomic():
        bulk_insert(IncidentLogEntry, [entry])
    assert not IncidentLogEntry.objects.filter(incident=incident, text="t").exists()


def test_a_synced_note_and_its_replayed_answer_keep_every_character(tablet, device, dispatcher, team):
    incident, assignment = assigned_call(dispatcher, team)
    create = encounter_create(incident, assignment, narrative=AWKWARD, person={"alias": AWKWARD})
    batch = [create, note(create["record"], AWKWARD)]
    first = synced(tablet, device, batch)
    assert [r["status"] for r in first] == ["applied", "applied"]
    again = synced(tablet, device, batch)
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    assert [r["record"] for r in again] == [r["record"] for r in first]
    assert EncounterNote.objects.get(pk=batch[1]["id"]).text == AWKWARD
    version = EncounterVersion.objects.get(encounter_id=create["record"])
    assert (version.narrative, version.person["alias"]) == (AWKWARD, AWKWARD)
