"""People's details are ciphertext in the database, plain through the doors, and rotatable.

Every record is written through the real services (tests/security/world.py), then the tables are
read with raw SQL, as someone holding a database dump would.
"""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from apps.common import crypto
from apps.followups import services as followup_services
from apps.followups.models import FollowUp, Referral
from apps.incidents import services as incident_services
from apps.incidents.models import EncounterNote, EncounterVersion, Incident
from apps.incidents.selectors import incidents_from_callback
from tests.security.world import (
    SECRET_CALLER,
    SECRET_CONTACT,
    SECRET_FOLLOWUP_NOTES,
    SECRET_NAME,
    SECRET_NARRATIVE,
    build_world,
)

pytestmark = pytest.mark.django_db

CALLBACK = "+13035550177"  # E.164, as every door stores it
NOTE = "note-marker-he-asked-for-his-sister"
OUTCOME = "outcome-marker-reached-him-at-the-clinic"

# table, column, primary key of the row, the marker that must not show
ENCRYPTED = [
    ("incidents_incident", "callback", "incident", CALLBACK),
    ("incidents_incident", "caller_name", "incident", SECRET_CALLER),
    ("incidents_incident", "caller_notes", "incident", "Caller knows him"),
    ("incidents_encounterversion", "narrative", "version", SECRET_NARRATIVE),
    ("incidents_encounterversion", "person", "version", SECRET_NAME),
    ("incidents_encounterversion", "person", "version", SECRET_CONTACT),
    ("incidents_encounternote", "text", "note", NOTE),
    ("followups_referral", "notes", "referral", "referral-notes-marker"),
    ("followups_followup", "notes", "followup", SECRET_FOLLOWUP_NOTES),
    ("followups_followup", "outcome_notes", "followup", OUTCOME),
]


def world_with_every_field():
    world = build_world()
    incident_services.incident_update(actor=world.users["dispatcher"], incident_id=world.incident.pk, callback=CALLBACK)
    world.note = incident_services.encounter_add_note(
        actor=world.users["responder_a"], encounter_id=world.encounter.pk, text=NOTE
    )
    followup_services.followup_complete(
        actor=world.users["responder_a"], followup_id=world.followup.pk, outcome="reached", notes=OUTCOME
    )
    world.version = EncounterVersion.objects.get(encounter=world.encounter)
    return world


def stored(table: str, column: str, pk) -> str:
    pk_value = pk.hex if connection.vendor == "sqlite" and hasattr(pk, "hex") else pk
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk_value])  # noqa: S608
        (value,) = cursor.fetchone()
    return value


def test_every_sensitive_field_is_ciphertext_in_the_database():
    world = world_with_every_field()
    for table, column, which, marker in ENCRYPTED:
        value = stored(table, column, getattr(world, which).pk)
        assert value.startswith(crypto.PREFIX), (table, column, value[:40])
        assert marker not in value, (table, column)


def test_the_doors_read_the_plain_text():
    world = world_with_every_field()
    desk = world.client_for("supervisor")
    incident = desk.get(f"/api/v1/incidents/{world.incident.pk}/").json()
    assert (incident["caller_name"], incident["callback"]) == (SECRET_CALLER, CALLBACK)
    encounter = desk.get(f"/api/v1/encounters/{world.encounter.pk}/").json()
    assert SECRET_NARRATIVE in str(encounter)
    assert SECRET_NAME in str(encounter) and NOTE in str(encounter)
    referral = desk.get(f"/api/v1/referrals/{world.referral.pk}/").json()
    assert referral["notes"] == "referral-notes-marker"
    followup = desk.get(f"/api/v1/followups/{world.followup.pk}/").json()
    assert followup["outcome_notes"] == OUTCOME


def test_calls_from_one_number_are_found_through_the_keyed_digest_not_the_ciphertext():
    world = world_with_every_field()
    digest = stored("incidents_incident", "callback_digest", world.incident.pk)
    assert len(digest) == 64 and CALLBACK not in digest
    assert [i.pk for i in incidents_from_callback(CALLBACK)] == [world.incident.pk]
    assert list(incidents_from_callback("+13035550100")) == []


def test_rotate_keys_leaves_every_row_readable_with_only_the_new_key(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIRSTLINE_FIELD_KEYS = [old]
    world = world_with_every_field()

    settings.FIRSTLINE_FIELD_KEYS = [new, old]
    call_command("rotate_keys", batch_size=2, stdout=(first := _Out()))
    assert "incidents.Incident: 1 rows rewritten" in first.text
    assert "incidents.EncounterVersion: 1 rows rewritten" in first.text
    call_command("rotate_keys", stdout=(again := _Out()))
    assert "Rewrote 0 rows" in again.text

    settings.FIRSTLINE_FIELD_KEYS = [new]
    only_new = Fernet(new.encode())
    for table, column, which, _marker in ENCRYPTED:
        value = stored(table, column, getattr(world, which).pk)
        only_new.decrypt(value[len(crypto.PREFIX) :].encode())  # raises if still under the old key
    for model in (Incident, EncounterVersion, EncounterNote, Referral, FollowUp):
        for row in model.objects.all():
            for name in crypto.encrypted_fields(model):
                getattr(row, name)
    assert Incident.objects.get(pk=world.incident.pk).caller_name == SECRET_CALLER
    assert EncounterVersion.objects.get(pk=world.version.pk).person["name"] == SECRET_NAME


def test_rows_written_before_encryption_are_encrypted_by_rotate_keys():
    world = world_with_every_field()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE incidents_incident SET caller_notes = %s WHERE id = %s", ["plain", world.incident.pk])
    assert Incident.objects.get(pk=world.incident.pk).caller_notes == "plain"
    call_command("rotate_keys", stdout=(out := _Out()))
    assert "incidents.Incident: 1 rows rewritten" in out.text
    assert stored("incidents_incident", "caller_notes", world.incident.pk).startswith(crypto.PREFIX)


class _Out:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass
