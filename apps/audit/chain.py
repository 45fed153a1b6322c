"""The hash chain over the access log: how a row's hash is made, how rows join the chain, how it is checked.

Every row gets a place (`chain_seq`), the hash of the row before it (`prev_hash`) and a SHA-256
over its own content and that previous hash (`row_hash`). Rows join the chain in one go per
transaction, under a lock on the single chain-head row, so concurrent writers in many processes
make one unbroken chain:

- on PostgreSQL the database does it (migration 0004): a deferred trigger seals the transaction's
  rows as it commits, so the head is locked only for the commit itself and never held while a
  service goes on to lock other rows (which could deadlock);
- elsewhere (SQLite: the embedded demo and quick tests) `seal_pending` does it in Python, inside
  the writing transaction; SQLite lets one writer in at a time anyway.

Both build the same canonical text (`canonical`); the PostgreSQL function in migration 0004 must
stay its exact twin. `verify` walks the chain and names the first row that does not fit.

A chain cannot stop someone who rewrites every hash after an edit; what it does is make a quiet
edit or deletion visible. Keep the database role that owns the table away from the application
(docs/security/audit-and-encryption.md) so that even that takes a superuser.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection as default_connection
from django.utils.dateparse import parse_datetime

TABLE = "audit_auditentry"
HEAD_TABLE = "audit_auditchainhead"
BATCH = 2000

# The content columns, in the order they enter the hash (after chain_seq and before prev_hash).
_PG_COLUMNS = """
    id, (extract(epoch from at) * 1000000)::bigint, coalesce(actor_id::text, ''), actor_username,
    actor_role, action, object_type, object_id, door, coalesce(host(ip), ''), outcome, detail::text,
    record_ids::text
"""
_PLAIN_COLUMNS = """
    id, at, coalesce(actor_id, ''), actor_username, actor_role, action, object_type, object_id, door,
    coalesce(ip, ''), outcome, detail, record_ids
"""


def _field(value) -> str:
    text = "" if value is None else str(value)
    return f"{len(text)}:{text};"


def canonical(*, chain_seq: int, content: Iterable, prev_hash: str) -> str:
    """Length-prefixed fields, so no value can pass for its neighbour's."""
    return _field(chain_seq) + "".join(_field(v) for v in content) + _field(prev_hash)


def digest(*, chain_seq: int, content: Iterable, prev_hash: str) -> str:
    text = canonical(chain_seq=chain_seq, content=content, prev_hash=prev_hash)
    return hashlib.sha256(text.encode()).hexdigest()


def _micros(value) -> int:
    """SQLite keeps `at` as text in UTC; the hash takes microseconds since the epoch, as PostgreSQL does."""
    if isinstance(value, int):
        return value
    moment = value if isinstance(value, datetime) else parse_datetime(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _content(row) -> tuple:
    """A row as (id, at in microseconds, the other columns) from either SELECT list above."""
    return (row[0], _micros(row[1]), *row[2:])


def _columns(conn) -> str:
    return _PG_COLUMNS if conn.vendor == "postgresql" else _PLAIN_COLUMNS


def seal_pending(conn=None) -> int:
    """Chain every row not yet chained, oldest first, in one go; returns how many joined.

    Call inside the transaction that wrote them. On PostgreSQL this is the database's job at
    commit, so this does nothing there.
    """
    conn = conn or default_connection
    if conn.vendor == "postgresql":
        return 0
    with conn.cursor() as cursor:
        # Writing the head first takes the write lock before anything is read.
        cursor.execute(f"INSERT OR IGNORE INTO {HEAD_TABLE} (id, last_seq, last_hash) VALUES (1, 0, '')")  # noqa: S608
        cursor.execute(f"UPDATE {HEAD_TABLE} SET last_seq = last_seq WHERE id = 1")  # noqa: S608
        cursor.execute(f"SELECT last_seq, last_hash FROM {HEAD_TABLE} WHERE id = 1")  # noqa: S608
        seq, last = cursor.fetchone()
        cursor.execute(f"SELECT {_PLAIN_COLUMNS} FROM {TABLE} WHERE chain_seq IS NULL ORDER BY id")  # noqa: S608
        rows = cursor.fetchall()
        if not rows:
            return 0
        updates = []
        for row in rows:
            seq += 1
            row_hash = digest(chain_seq=seq, content=_content(row), prev_hash=last)
            updates.append((seq, last, row_hash, row[0]))
            last = row_hash
        cursor.executemany(
            f"UPDATE {TABLE} SET chain_seq = %s, prev_hash = %s, row_hash = %s WHERE id = %s",  # noqa: S608
            updates,
        )
        cursor.execute(f"UPDATE {HEAD_TABLE} SET last_seq = %s, last_hash = %s WHERE id = 1", [seq, last])  # noqa: S608
    return len(rows)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    problem: str = ""  # empty when the chain holds
    entry_id: int | None = None  # the first row that does not fit

    @property
    def ok(self) -> bool:
        return not self.problem


def _chained_rows(conn) -> Iterator[tuple]:
    """(chain_seq, content..., prev_hash, row_hash) in chain order, a batch at a time."""
    after = 0
    with conn.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT chain_seq, {_columns(conn)}, prev_hash, row_hash FROM {TABLE} "  # noqa: S608
                "WHERE chain_seq > %s ORDER BY chain_seq LIMIT %s",
                [after, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            yield from rows
            after = rows[-1][0]


def verify(conn=None) -> ChainReport:
    """Walk the whole chain; report the first row edited, missing or out of place."""
    conn = conn or default_connection
    with conn.cursor() as cursor:
        cursor.execute(f"SELECT min(id) FROM {TABLE} WHERE chain_seq IS NULL")  # noqa: S608
        (unchained,) = cursor.fetchone()
        cursor.execute(f"SELECT last_seq, last_hash FROM {HEAD_TABLE} WHERE id = 1")  # noqa: S608
        head = cursor.fetchone() or (0, "")
    expected_seq, last_hash, last_id, checked = 1, "", None, 0
    for row in _chained_rows(conn):
        chain_seq, content, prev_hash, row_hash = row[0], _content(row[1:-2]), row[-2], row[-1]
        entry_id = content[0]
        if chain_seq != expected_seq:
            return ChainReport(
                checked,
                f"rows missing before audit entry {entry_id}: chain position {expected_seq} to {chain_seq - 1}",
                entry_id,
            )
        if prev_hash != last_hash:
            return ChainReport(checked, f"audit entry {entry_id} does not follow the row before it", entry_id)
        if digest(chain_seq=chain_seq, content=content, prev_hash=prev_hash) != row_hash:
            return ChainReport(checked, f"audit entry {entry_id} was changed after it was written", entry_id)
        expected_seq, last_hash, last_id, checked = chain_seq + 1, row_hash, entry_id, checked + 1
    if (checked, last_hash) != (head[0], head[1]):
        return ChainReport(
            checked,
            f"the chain ends at position {checked} but its head says {head[0]}: rows after audit entry "
            f"{last_id} were deleted or the head was changed",
            last_id,
        )
    if unchained is not None and conn.vendor == "postgresql":
        # Committed rows are always chained on PostgreSQL; an unchained one came in round the trigger.
        return ChainReport(checked, f"audit entry {unchained} was written outside the chain", unchained)
    return ChainReport(checked)
