"""Rows held back during a batch of writes and written in one go at its end (write-behind).

A service that appends rows nobody reads back in the same transaction (audit entries, timeline
entries, stream events) writes them through a `RowBuffer`. Outside a batch `add` answers False and
the service writes the row at once, as always. Inside `buffer.batch()` (opened by a caller that
applies many changes in one transaction, such as the tablet's sync) the row is kept and written with
its siblings when the batch ends, still inside that transaction: one INSERT instead of hundreds.

A row follows the fate of the savepoints it was added under: if any of them is rolled back (a
mutation that failed inside its own `transaction.atomic()`), the row is dropped, just as its INSERT
would have been. This reuses Django's own bookkeeping for `on_commit` callbacks, which are discarded
with the savepoint they were registered in: each savepoint level gets one no-op marker callback, and
at the end of the batch only rows whose marker survived are written.

Never use a buffer for a row the same transaction reads back, nor outside a transaction.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import transaction


class _Marker:
    """A callback that does nothing: its presence in `run_on_commit` says its savepoints survived."""

    __slots__ = ()

    def __call__(self) -> None:
        return None


class _Pending:
    def __init__(self, using: str | None):
        self.using = using
        # Looked up once: finding the thread's connection costs more than holding a row.
        self.connection = transaction.get_connection(using)
        self.items: list[tuple[_Marker, Any]] = []
        self._level: tuple | None = None
        self._marker: _Marker | None = None

    def add(self, item: Any) -> None:
        level = tuple(self.connection.savepoint_ids)
        if level != self._level or self._marker is None:
            # Savepoint ids are never reused, so one marker serves every row added at this level.
            self._level, self._marker = level, _Marker()
            transaction.on_commit(self._marker, using=self.using)
        self.items.append((self._marker, item))

    def surviving(self) -> list:
        alive = {id(entry[1]) for entry in self.connection.run_on_commit}
        return [item for marker, item in self.items if id(marker) in alive]


class RowBuffer:
    """One kind of row (audit entries, events...) and the function that writes a batch of them."""

    def __init__(self, name: str, write: Callable[[list], None]):
        self.name = name
        self._write = write
        self._pending: ContextVar[_Pending | None] = ContextVar(f"firstline_batch_{name}", default=None)

    def add(self, item: Any) -> bool:
        """Hold `item` for the open batch; False when no batch is open (write it yourself, now)."""
        pending = self._pending.get()
        if pending is None:
            return False
        pending.add(item)
        return True

    def active(self) -> bool:
        return self._pending.get() is not None

    def flush(self) -> None:
        """Write what the open batch holds now: before anything reads those rows back."""
        pending = self._pending.get()
        if pending is None:
            return
        rows = pending.surviving()
        pending.items.clear()
        if rows:
            self._write(rows)

    @contextmanager
    def batch(self, using: str | None = None) -> Iterator[None]:
        """Hold this kind of row until the block ends, then write the survivors in one go.

        Must be opened inside the transaction the rows belong to. Nested, it joins the open batch.
        If the block raises, nothing is written (the transaction is rolling back anyway).
        """
        if self._pending.get() is not None:
            yield
            return
        if not transaction.get_connection(using).in_atomic_block:
            raise RuntimeError(f"a {self.name} batch must be opened inside a transaction")
        pending = _Pending(using)
        token = self._pending.set(pending)
        try:
            yield
        finally:
            self._pending.reset(token)
        rows = pending.surviving()
        if rows:
            self._write(rows)


# --- changes each already in a savepoint of the caller's -------------------------------------------

_isolated: ContextVar[bool] = ContextVar("firstline_changes_isolated", default=False)


@contextmanager
def changes_isolated() -> Iterator[None]:
    """Opened by a caller that runs every change of the block inside a savepoint of its own making
    (the tablet's sync: one per run of changes, one per change when a run is redone): a service
    called there needs no savepoint of its own (`service_atomic`)."""
    token = _isolated.set(True)
    try:
        yield
    finally:
        _isolated.reset(token)


def service_atomic():
    """The atomic block around a service's writes. Inside `changes_isolated()` it takes no savepoint:
    if the service fails, Django marks the transaction for rollback and the caller's savepoint undoes
    the change, as the service's own would have. Only for a service that never catches an error
    inside its block and goes on."""
    return transaction.atomic(savepoint=not _isolated.get())


# --- reads made once per batch ------------------------------------------------------------------------

_memos: list["ReadMemo"] = []


class ReadMemo:
    """Facts that never change once written (which call an encounter belongs to, which team holds an
    assignment), read once per batch instead of once per change.

    Outside `reads_once()` every `get` reads. Inside, a found value is kept for the rest of the
    block; an absent one is not (a later change in the batch may create it). `forget_reads()` drops
    everything kept, for when a change is undone and what it created may be gone.
    """

    def __init__(self, name: str):
        self._held: ContextVar[dict | None] = ContextVar(f"firstline_reads_{name}", default=None)
        _memos.append(self)

    def get(self, key: Any, load: Callable[[], Any]) -> Any:
        held = self._held.get()
        if held is None:
            return load()
        if key in held:
            return held[key]
        value = load()
        if value is not None:
            held[key] = value
        return value

    def put(self, key: Any, value: Any) -> None:
        """What a change in the batch just wrote, so the batch need not read it back."""
        held = self._held.get()
        if held is not None:
            held[key] = value


@contextmanager
def reads_once() -> Iterator[None]:
    """Keep what every `ReadMemo` reads until the block ends. Nested, it joins the open block."""
    tokens = [(memo, memo._held.set({})) for memo in _memos if memo._held.get() is None]
    try:
        yield
    finally:
        for memo, token in tokens:
            memo._held.reset(token)


def forget_reads() -> None:
    for memo in _memos:
        held = memo._held.get()
        if held is not None:
            held.clear()
