"""Appending events. Call only inside the transaction that made the change the event describes."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import F

from apps.streams.models import Event, StreamCounter
from apps.streams.names import group_for

logger = logging.getLogger(__name__)


def _next_seq(stream: str) -> int:
    updated = StreamCounter.objects.filter(stream=stream).update(last_seq=F("last_seq") + 1)
    if not updated:
        # First event of this stream: create the counter, tolerating a concurrent creator.
        with transaction.atomic():
            _counter, created = StreamCounter.objects.get_or_create(stream=stream, defaults={"last_seq": 1})
        if created:
            return 1
        StreamCounter.objects.filter(stream=stream).update(last_seq=F("last_seq") + 1)
    # The UPDATE above holds the row lock until commit, so this read is ours alone.
    return StreamCounter.objects.filter(stream=stream).values_list("last_seq", flat=True).get()


def ring_doorbell(stream: str, seq: int) -> None:
    """Tell connected consumers that `stream` has reached `seq`; losing this message loses nothing."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group_for(stream), {"type": "stream.doorbell", "stream": stream, "seq": seq})
    except Exception:  # the log is the truth; a missed doorbell is caught up by the next one or a poll
        logger.warning("doorbell for %s#%s could not be sent", stream, seq, exc_info=True)


def stream_append(*, stream: str, kind: str, data: dict) -> Event:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("stream_append must run inside the transaction of the change it describes")
    seq = _next_seq(stream)
    event = Event.objects.create(stream=stream, seq=seq, kind=kind, data=data)
    transaction.on_commit(lambda: ring_doorbell(stream, seq))
    return event


def streams_append(*, streams: list[str], kind: str, data: dict) -> list[Event]:
    # Sorted so two transactions touching the same streams take the counter locks in one order.
    return [stream_append(stream=stream, kind=kind, data=data) for stream in sorted(set(streams))]
