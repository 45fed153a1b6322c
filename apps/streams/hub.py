"""The consumers connected to this process, and the poller that rings them without a channel layer.

In the embedded mode the in-memory channel layer only reaches consumers in this process, so events
written by another process (the Celery worker, a management command) would never ring. The poller
reads the counters of the streams local consumers follow every few hundred milliseconds and wakes
the consumers that are behind. With Redis it runs slowly, as a repair for a doorbell Redis lost.
In the embedded mode, when several local consumers are behind on one stream, the poller reads the
missing events once and offers them to each; a consumer still decides what it has not sent yet (and
reads the log itself only for a gap). So the database work per event does not grow with the number
of connected clients. With Redis, a poke is a repair and each consumer reads for itself.
"""

import asyncio
import contextlib
import logging

from apps.accounts.selectors import devices_revoked
from apps.common.live import live_read
from apps.streams import conf
from apps.streams.selectors import event_messages_after, stream_heads

logger = logging.getLogger(__name__)

_consumers: dict[str, set] = {}
_devices: dict[str, set] = {}  # tablet id -> consumers opened on it, for the revocation check
_poller: asyncio.Task | None = None


def register(consumer, streams) -> None:
    for stream in streams:
        _consumers.setdefault(stream, set()).add(consumer)
    _ensure_poller()


def register_device(consumer, device_id) -> None:
    _devices.setdefault(str(device_id), set()).add(consumer)
    _ensure_poller()


def unregister(consumer) -> None:
    for registry in (_consumers, _devices):
        for name in list(registry):
            registry[name].discard(consumer)
            if not registry[name]:
                del registry[name]


def local_count() -> int:
    return len({c for consumers in _consumers.values() for c in consumers})


def _ensure_poller() -> None:
    global _poller
    loop = asyncio.get_running_loop()
    if _poller is not None and not _poller.done() and _poller.get_loop() is loop:
        return
    _poller = loop.create_task(_poll_forever(), name="firstline-stream-poller")


@live_read
def _read_heads(streams: list[str]) -> dict[str, int]:
    return stream_heads(streams=streams)


@live_read
def _read_events(stream: str, after: int, limit: int) -> list[dict]:
    return event_messages_after(stream=stream, seq=after, limit=limit)


async def _ring(stream: str, head: int) -> None:
    """Wake the local consumers behind on `stream`: with one shared read where it can be."""
    behind = [c for c in list(_consumers.get(stream, ())) if c.behind(stream, head)]
    if not behind:
        return
    if conf.embedded() and len(behind) > 1:
        after = min(c.sent[stream] for c in behind)
        if head - after <= conf.replay_batch():
            try:
                messages = await _read_events(stream, after, head - after)
            except Exception:  # a database blip: each consumer reads for itself instead
                logger.warning("stream poller could not read %s", stream, exc_info=True)
            else:
                for consumer in behind:
                    with contextlib.suppress(Exception):
                        consumer.offer(stream, messages)
                return
    for consumer in behind:
        with contextlib.suppress(Exception):
            consumer.poke(stream, head)


@live_read
def _read_revoked(device_ids: list[str]) -> set[str]:
    return devices_revoked(device_ids=device_ids)


async def _close_revoked() -> None:
    """A revocation normally closes its sockets through the channel layer at once; this catches one
    made where the layer does not reach (a command in the embedded mode) or whose message was lost."""
    if not _devices:
        return
    try:
        revoked = await _read_revoked(sorted(_devices))
    except Exception:
        logger.warning("stream poller could not read revoked tablets", exc_info=True)
        return
    for device_id in revoked:
        for consumer in list(_devices.get(device_id, ())):
            with contextlib.suppress(Exception):
                consumer.device_revoked()


async def _poll_forever() -> None:
    # With Redis the doorbell normally arrives within milliseconds; poking a consumer for an event
    # still in flight would make it read the database for nothing. So there the poller only pokes
    # for heads it already saw on the previous tick: events a doorbell should have announced by now.
    previous: dict[str, int] = {}
    while _consumers or _devices:
        await asyncio.sleep(conf.poll_seconds())
        await _close_revoked()
        streams = sorted(_consumers)
        if not streams:
            continue
        try:
            heads = await _read_heads(streams)
        except Exception:  # a database blip: try again next tick
            logger.warning("stream poller could not read the counters", exc_info=True)
            continue
        due = heads if conf.embedded() else {s: previous[s] for s in heads if s in previous}
        previous = heads
        for stream, head in due.items():
            await _ring(stream, head)
