"""Appending events. Call only inside the transaction that made the change the event describes.

Inside `stream_batch()` (a caller applying many changes in one transaction: the tablet's sync) the
events are held and written as the batch ends, still in that transaction: each stream's counter is
moved once for all its events, its events go in with contiguous seqs in the order they were
appended (on PostgreSQL in the statement that moves the counter), and one doorbell per stream rings
after commit. An event appended inside a savepoint that rolls back is dropped with it
(apps/common/batching.py). Services do not know whether a batch is open: they call `stream_append`
either way.
"""

import asyncio
import ipaddress
import json
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import connection, transaction
from django.utils import timezone

from apps.audit.context import access_context
from apps.audit.models import Door, Outcome
from apps.audit.services import audit_record
from apps.common import metrics
from apps.common.batching import RowBuffer
from apps.streams.hooks import stream_acknowledged
from apps.streams.kinds import event_check
from apps.streams.models import Event, StreamCounter, StreamCursor
from apps.streams.names import device_group, group_for, session_group
from apps.streams.selectors import stream_may_read

logger = logging.getLogger(__name__)


def _counter_move(stream: str, count: int) -> int | None:
    """Move the counter and read where it now stands in one statement (the ORM's update cannot say);
    None when the stream has no counter yet. The row stays locked until commit."""
    table = connection.ops.quote_name(StreamCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_seq = last_seq + %s WHERE stream = %s RETURNING last_seq",  # noqa: S608
            [count, stream],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _reserve_seqs(stream: str, count: int = 1) -> int:
    """Take the next `count` sequence numbers of `stream`; returns the last one taken."""
    last = _counter_move(stream, count)
    if last is not None:
        return last
    # First event of this stream: create the counter, tolerating a concurrent creator.
    with transaction.atomic():
        _counter, created = StreamCounter.objects.get_or_create(stream=stream, defaults={"last_seq": count})
    if created:
        return count
    return _counter_move(stream, count)


# Doorbells carry the event itself when it is small, so a consumer that is up to date sends it
# without reading the database; a consumer that sees a gap reads the log instead.
DOORBELL_EVENT_MAX_CHARS = 4000
DOORBELL_TIMEOUT_SECONDS = 2


_doorbell_loop: asyncio.AbstractEventLoop | None = None
_doorbell_pid: int | None = None
_doorbell_lock = threading.Lock()


def _loop_for_doorbells() -> asyncio.AbstractEventLoop:
    """One event loop thread per process keeps the Redis connections open between doorbells.

    `async_to_sync` from a plain thread (a Celery worker, a management command, a test) would start
    a new loop, and so a new Redis connection, for every doorbell: tens of milliseconds each.
    """
    global _doorbell_loop, _doorbell_pid
    with _doorbell_lock:
        if _doorbell_loop is None or _doorbell_pid != os.getpid() or _doorbell_loop.is_closed():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="firstline-doorbell", daemon=True).start()
            _doorbell_loop, _doorbell_pid = loop, os.getpid()
        return _doorbell_loop


def _loop_running_here() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _group_send(group: str, message: dict) -> None:
    """Send one channel-layer message from any thread: a request, a worker, a command or a test."""
    layer = get_channel_layer()
    if layer is None:
        return
    if isinstance(layer, InMemoryChannelLayer):
        # Its queues belong to this process's server loop, which async_to_sync reaches. A thread
        # that already runs a loop of its own (a browser driver in a test) cannot use async_to_sync.
        send = async_to_sync(layer.group_send)
        if _loop_running_here():
            worker = threading.Thread(target=send, args=(group, message), daemon=True)
            worker.start()
            worker.join(DOORBELL_TIMEOUT_SECONDS)
        else:
            send(group, message)
    else:
        future = asyncio.run_coroutine_threadsafe(layer.group_send(group, message), _loop_for_doorbells())
        future.result(timeout=DOORBELL_TIMEOUT_SECONDS)


def ring_doorbell(stream: str, seq: int, event: dict | None = None) -> None:
    """Tell connected consumers that `stream` has reached `seq`; losing this message loses nothing."""
    message = {"type": "stream.doorbell", "stream": stream, "seq": seq}
    if event is not None and len(json.dumps(event, default=str)) <= DOORBELL_EVENT_MAX_CHARS:
        message["event"] = event
    try:
        _group_send(group_for(stream), message)
    except Exception:  # the log is the truth; a missed doorbell is caught up by the next one or a poll
        logger.warning("doorbell for %s#%s could not be sent", stream, seq, exc_info=True)


def sockets_close(*, device_ids=(), session_keys=(), code: int) -> None:
    """Close at once every live socket opened by these tablets or these sessions (in every process
    the channel layer reaches). Call after commit. Each consumer also re-checks on its own, so a
    lost message only delays the close (see apps.streams.hub)."""
    groups = [device_group(d) for d in device_ids] + [session_group(k) for k in session_keys]
    for group in groups:
        try:
            _group_send(group, {"type": "socket.close", "code": code})
        except Exception:
            logger.warning("could not ask %s to close", group, exc_info=True)


def stream_append(*, stream: str, kind: str, data: dict) -> Event:
    """One event of a registered kind (apps/streams/kinds.py), in the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("stream_append must run inside the transaction of the change it describes")
    event_check(kind, data)
    held = Event(stream=stream, kind=kind, data=dict(data))
    if _held.add(held):
        return held  # its seq is given when the batch is written
    seq = _reserve_seqs(stream)
    event = Event.objects.create(stream=stream, seq=seq, kind=kind, data=data)
    message = event.as_message()
    transaction.on_commit(lambda: ring_doorbell(stream, seq, message))
    transaction.on_commit(metrics.events_appended.labels(metrics.stream_family(stream)).inc)
    return event


def stream_append_many(*, stream: str, kind: str, datas: list[dict]) -> list[Event]:
    """Several events of one kind on one stream with one counter update (a sweep delivering a batch).

    One doorbell rings for the last seq; consumers read the rest from the log.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("stream_append_many must run inside the transaction of the change it describes")
    if not datas:
        return []
    for data in datas:
        event_check(kind, data)
    if _held.active():  # in a batch: after the events appended before these, in order
        held = [Event(stream=stream, kind=kind, data=dict(data)) for data in datas]
        for event in held:
            _held.add(event)
        return held
    last = _reserve_seqs(stream, len(datas))
    first = last - len(datas) + 1
    events = Event.objects.bulk_create(
        [Event(stream=stream, seq=first + i, kind=kind, data=data) for i, data in enumerate(datas)]
    )
    transaction.on_commit(lambda: ring_doorbell(stream, last))
    transaction.on_commit(lambda: metrics.events_appended.labels(metrics.stream_family(stream)).inc(len(datas)))
    return events


# On PostgreSQL a batch's held events are numbered and written by the one statement that moves their
# streams' counters. A counter's row stays locked from that statement until commit, and every
# tablet's batch locks the board's: building the rows (a hundred events, their JSON) happens before,
# and nothing but the commit comes after. Each counter's move waits for the one before it (the
# EXISTS), so the counters are locked in stream order, as `streams_append` locks them.
_COUNTER_MOVE = (
    "counter{i} AS (UPDATE {counters} SET last_seq = last_seq + %(count{i})s"
    " WHERE stream = %(stream{i})s{after} RETURNING stream, last_seq)"
)
_NUMBERED_ROWS = (
    "SELECT counter{i}.stream, counter{i}.last_seq - %(count{i})s + item.position,"
    " item.body ->> 0, item.body -> 1, %(at)s FROM counter{i}"
    " CROSS JOIN jsonb_array_elements(%(items{i})s::jsonb) WITH ORDINALITY AS item(body, position)"
)


def _insert_numbered(by_stream: dict[str, list[Event]]) -> set[str]:
    """Number and write the held events of every stream in one statement; the streams written (a
    stream with no counter yet, and those after it, are not)."""
    at = timezone.now()
    streams = sorted(by_stream)
    names = {
        "counters": connection.ops.quote_name(StreamCounter._meta.db_table),
        "events": connection.ops.quote_name(Event._meta.db_table),
    }
    moves, rows, params = [], [], {"at": at}
    for i, stream in enumerate(streams):
        after = f" AND EXISTS (SELECT FROM counter{i - 1})" if i else ""
        moves.append(_COUNTER_MOVE.format(i=i, after=after, **names))
        rows.append(_NUMBERED_ROWS.format(i=i))
        params |= {
            f"count{i}": len(by_stream[stream]),
            f"stream{i}": stream,
            f"items{i}": json.dumps([[event.kind, event.data] for event in by_stream[stream]]),
        }
    sql = (
        f"WITH {', '.join(moves)} INSERT INTO {names['events']} (stream, seq, kind, data, created_at) "
        f"{' UNION ALL '.join(rows)} RETURNING id, stream, seq"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        written = sorted(cursor.fetchall(), key=lambda row: (row[1], row[2]))
    done = set()
    for stream in streams:
        numbered = [(event_id, seq) for event_id, row_stream, seq in written if row_stream == stream]
        if numbered:
            for event, (event_id, seq) in zip(by_stream[stream], numbered, strict=True):
                event.id, event.seq, event.created_at = event_id, seq, at
            done.add(stream)
    return done


def _write_held(events: list[Event]) -> None:
    """A batch's events: one counter move per stream (in stream order, as `streams_append` locks),
    the events numbered after it, and after commit one doorbell per stream for its last event."""
    by_stream: dict[str, list[Event]] = {}
    for event in events:
        by_stream.setdefault(event.stream, []).append(event)
    done = _insert_numbered(by_stream) if connection.vendor == "postgresql" else set()
    plain = []
    for stream in sorted(set(by_stream) - done):
        batch = by_stream[stream]
        last = _reserve_seqs(stream, len(batch))
        for offset, event in enumerate(batch):
            event.seq = last - len(batch) + 1 + offset
        plain += batch
    if plain:  # SQLite, or a stream's first events (its counter was just created)
        Event.objects.bulk_create(plain)
    for stream, batch in by_stream.items():
        message = batch[-1].as_message() if len(batch) == 1 else None
        last_seq, count = batch[-1].seq, len(batch)
        transaction.on_commit(lambda s=stream, q=last_seq, m=message: ring_doorbell(s, q, m))
        transaction.on_commit(lambda s=stream, n=count: metrics.events_appended.labels(metrics.stream_family(s)).inc(n))


_held = RowBuffer("events", _write_held)


@contextmanager
def stream_batch() -> Iterator[None]:
    """Hold every event appended in this block and write them as it ends, in the caller's
    transaction (see the module's docstring)."""
    with _held.batch():
        yield


def streams_append(*, streams: list[str], kind: str, data: dict) -> list[Event]:
    # Sorted so two transactions touching the same streams take the counter locks in one order.
    return [stream_append(stream=stream, kind=kind, data=data) for stream in sorted(set(streams))]


def stream_prune(*, older_than: datetime) -> int:
    """Delete events past retention. Counters stay, so a client behind the oldest kept event gets `resync`."""
    deleted, _ = Event.objects.filter(created_at__lt=older_than).delete()
    return deleted


def stream_cursor_record(*, user, stream: str, seq: int) -> None:
    """Remember the furthest seq this user's client acknowledged on a stream (never moves back)."""
    updated = StreamCursor.objects.filter(user=user, stream=stream, seq__lt=seq).update(seq=seq)
    if not updated:
        StreamCursor.objects.get_or_create(user=user, stream=stream, defaults={"seq": seq})


def stream_ack(*, user, stream: str, seq: int, after: int) -> None:
    """Record that the user's client received `stream` up to `seq` (having acknowledged `after` before),
    then tell the apps listening on `stream_acknowledged` (apps/streams/hooks.py), in the same transaction."""
    with transaction.atomic():
        stream_cursor_record(user=user, stream=stream, seq=seq)
        stream_acknowledged.send(sender=stream_ack, user=user, stream=stream, after=after, seq=seq)


def streams_follow(*, user, streams: list[str], ip: str | None = None) -> bool:
    """Whether `user` may follow every one of `streams`; the answer is audited either way, naming
    the streams asked for, since a followed stream discloses every event on it."""
    refused = [stream for stream in streams if not stream_may_read(user, stream)]
    try:
        ip = str(ipaddress.ip_address(ip)) if ip else None
    except ValueError:
        ip = None  # a test client or a unix socket names no address
    with access_context(door=Door.WEBSOCKET, ip=ip):
        audit_record(
            actor=user,
            action="stream.follow",
            object_type="streams.stream",
            outcome=Outcome.DENIED if refused else Outcome.OK,
            record_ids=list(streams),
            detail={"refused": refused} if refused else {},
        )
    return not refused
