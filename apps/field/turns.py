"""How many tablets' sync batches one process applies at once; the others wait their turn.

Every batch's Python runs under the process's one interpreter lock, and every batch appends to the
board's stream, so twenty batches started together (a city's tablets back online) finish later than
the same twenty a few at a time, and the process's other requests wait longer behind them. A batch
waits for its turn before its transaction opens (docs/sync.md, docs/capacity.md).
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from apps.common import metrics
from apps.field import conf

_lock = threading.Lock()
_turns: tuple[int, threading.BoundedSemaphore] | None = None


def _of_process() -> threading.BoundedSemaphore:
    """The process's turns, made again if the setting changed (a test)."""
    global _turns
    size = conf.batches_at_once()
    with _lock:
        if _turns is None or _turns[0] != size:
            _turns = (size, threading.BoundedSemaphore(size))
        return _turns[1]


def _taken(turns: threading.BoundedSemaphore) -> bool:
    """Wait for a turn, at most `conf.turn_wait_seconds`. A pooled connection goes back to the pool
    meanwhile, so the process's other requests (a board on the same process) never wait for one held
    by a batch that is only waiting."""
    if turns.acquire(blocking=False):
        return True
    if getattr(connection, "pool", None) is not None and not connection.in_atomic_block:
        connection.close()
    metrics.sync_batches_waiting.inc()
    try:
        return turns.acquire(timeout=conf.turn_wait_seconds())
    finally:
        metrics.sync_batches_waiting.dec()


@contextmanager
def batch_turn() -> Iterator[bool]:
    """One of the process's turns for the block; yields False when none came in time."""
    turns = _of_process()
    taken = _taken(turns)
    try:
        yield taken
    finally:
        if taken:
            turns.release()
