"""Work on one thing that must take turns across processes, until the transaction ends."""

import uuid

from django.db import connection


def hold_until_commit(space: int, key: uuid.UUID) -> None:
    """Take the lock named (space, key) for the rest of the current transaction: another transaction
    asking for the same lock waits until this one commits or rolls back.

    On PostgreSQL a transaction-scoped advisory lock (no row is written). SQLite needs none: the
    embedded settings begin every transaction IMMEDIATE, so writers already take turns.
    """
    if connection.vendor != "postgresql":
        return
    name = int.from_bytes(key.bytes[:4], "big", signed=True)  # a shared name only makes one wait: harmless
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [space, name])
