"""The access log's hash chain: every row joins it, `audit_verify` finds any edit or deletion, even
one made by a superuser who switched the triggers off, and concurrent writers make one chain."""

import itertools
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from apps.audit.models import AuditChainHead, AuditEntry
from apps.audit.services import audit_record, audit_record_many

pytestmark = pytest.mark.django_db(transaction=True)


def verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def tamper(sql: str, params=()) -> None:
    """What someone with the database's superuser (or owner) rights could do behind the application."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_append_only")


def write_some(actor, count=5) -> list[AuditEntry]:
    return [audit_record(actor=actor, action="incident.view", detail={"n": n, "note": "ünïcode"}) for n in range(count)]


def test_every_row_joins_the_chain_and_a_clean_chain_verifies(dispatcher, team):
    entries = write_some(dispatcher)
    assert audit_record_many(actor=dispatcher, action="incident.view", objects=[team, team]) == 2
    audit_record(actor=dispatcher, action="incident.list", record_ids=[team.pk, 7])

    rows = list(AuditEntry.objects.order_by("chain_seq"))
    assert [r.chain_seq for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0].prev_hash == ""
    assert all(later.prev_hash == earlier.row_hash for earlier, later in itertools.pairwise(rows))
    assert all(len(r.row_hash) == 64 for r in rows)
    assert {r.pk for r in rows} >= {e.pk for e in entries}
    assert rows[-1].record_ids == [str(team.pk), "7"]
    head = AuditChainHead.objects.get()
    assert (head.last_seq, head.last_hash) == (rows[-1].chain_seq, rows[-1].row_hash)
    assert f"intact: {len(rows)} rows" in verify()


def test_an_edited_row_is_named_by_audit_verify(dispatcher):
    entries = write_some(dispatcher)
    verify()
    tamper("UPDATE audit_auditentry SET action = %s WHERE id = %s", ["test.other", entries[2].pk])
    with pytest.raises(CommandError, match=f"audit entry {entries[2].pk} was changed"):
        verify()


def test_an_edited_list_of_disclosed_records_is_found(dispatcher):
    entry = audit_record(actor=dispatcher, action="incident.list", record_ids=[1, 2, 3])
    tamper("UPDATE audit_auditentry SET record_ids = %s WHERE id = %s", ['["1"]', entry.pk])
    with pytest.raises(CommandError, match=f"audit entry {entry.pk} was changed"):
        verify()


def test_a_deleted_row_is_found(dispatcher):
    entries = write_some(dispatcher)
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].pk])
    with pytest.raises(CommandError, match=f"rows missing before audit entry {entries[2].pk}"):
        verify()


def test_deleting_the_newest_rows_is_found(dispatcher):
    entries = write_some(dispatcher)
    tamper("DELETE FROM audit_auditentry WHERE id >= %s", [entries[3].pk])
    with pytest.raises(CommandError, match=f"rows after audit entry {entries[2].pk} were deleted"):
        verify()


def test_a_row_rewritten_with_a_fresh_hash_of_its_own_breaks_the_next_link(dispatcher):
    entries = write_some(dispatcher)
    tamper("UPDATE audit_auditentry SET row_hash = %s WHERE id = %s", ["0" * 64, entries[1].pk])
    with pytest.raises(CommandError, match=f"audit entry {entries[1].pk}"):
        verify()


@pytest.mark.services
def test_the_database_refuses_truncate_of_the_audit_log(dispatcher):
    entry = audit_record(actor=dispatcher, action="incident.view")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditentry CASCADE")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.services
def test_the_database_refuses_raw_update_and_delete_even_of_chain_columns(dispatcher):
    entry = audit_record(actor=dispatcher, action="incident.view")
    for sql in (
        "UPDATE audit_auditentry SET row_hash = 'x' WHERE id = %s",
        "UPDATE audit_auditentry SET chain_seq = NULL WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    verify()


@pytest.mark.services
def test_a_row_inserted_with_forged_chain_columns_is_chained_properly(dispatcher):
    write_some(dispatcher, 2)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditentry (at, actor_username, actor_role, action, object_type, object_id, door,"
            " outcome, detail, record_ids, chain_seq, prev_hash, row_hash)"
            " VALUES (now(), 'x', '', 'forged', '', '', 'command', 'ok', '{}', '[]', 99, 'a', 'b')"
        )
    forged = AuditEntry.objects.get(action="forged")
    assert forged.chain_seq == 3 and forged.row_hash != "b"
    verify()


@pytest.mark.services
def test_a_rolled_back_write_leaves_no_gap(dispatcher):
    write_some(dispatcher, 2)
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit_record(actor=dispatcher, action="incident.create")
        1 / 0  # noqa: B018
    write_some(dispatcher, 2)
    assert "intact: 4 rows" in verify()


@pytest.mark.services
def test_concurrent_writers_make_one_unbroken_chain(dispatcher, team):
    """Several threads, each its own database connection, write single rows and bulk batches at once."""
    start = threading.Barrier(4)
    errors = []

    def writer(n: int) -> None:
        try:
            start.wait(timeout=30)
            for i in range(15):
                with transaction.atomic():
                    audit_record(actor=dispatcher, action="incident.update", detail={"writer": n, "i": i})
                    if i % 5 == 0:
                        audit_record_many(actor=dispatcher, action="resources.import", objects=[team] * 10)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    total = 4 * 15 + 4 * 3 * 10
    assert AuditEntry.objects.count() == total
    assert AuditEntry.objects.filter(chain_seq__isnull=True).count() == 0
    assert f"intact: {total} rows" in verify()


@pytest.mark.services
def test_an_application_role_without_ownership_writes_and_chains_but_cannot_switch_triggers_off(dispatcher):
    """The set-up in docs/security/audit-and-encryption.md: the app may INSERT and SELECT, no more."""
    role = f"fl_app_{connection.settings_dict['NAME']}"[:60]
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
        cursor.execute(f'GRANT USAGE ON SCHEMA public TO "{role}"')
        cursor.execute(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO "{role}"')
        cursor.execute(f'GRANT SELECT, INSERT ON audit_auditentry TO "{role}"')
        cursor.execute(f'GRANT SELECT ON audit_auditchainhead TO "{role}"')
    try:
        audit_record(actor=dispatcher, action="incident.view")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f'SET LOCAL ROLE "{role}"')
            cursor.execute(
                "INSERT INTO audit_auditentry (at, actor_username, actor_role, action, object_type, object_id,"
                " door, outcome, detail, record_ids, prev_hash, row_hash)"
                " VALUES (now(), 'app', '', 'test.as_app', '', '', 'api', 'ok', '{}', '[]', '', '')"
            )
        assert AuditEntry.objects.get(action="test.as_app").chain_seq == 2
        refused = {
            "ALTER TABLE audit_auditentry DISABLE TRIGGER audit_append_only": "owner",
            "TRUNCATE audit_auditentry": "permission denied",
            "UPDATE audit_auditentry SET action = 'x'": "permission denied",
            "DELETE FROM audit_auditentry": "permission denied",
            "UPDATE audit_auditchainhead SET last_seq = 0": "permission denied",
        }
        for sql, message in refused.items():
            with pytest.raises(DatabaseError, match=message), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f'SET LOCAL ROLE "{role}"')
                cursor.execute(sql)
        assert "intact: 2 rows" in verify()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')
