"""Appending a batch of events keeps a stream's sequence contiguous and shared with single appends."""

import pytest
from django.db import transaction

from apps.streams.models import Event, StreamCounter
from apps.streams.services import stream_append, stream_append_many, stream_batch
from tests.streams.helpers import event_data

pytestmark = pytest.mark.django_db


def test_a_batch_takes_the_next_contiguous_numbers():
    with transaction.atomic():
        stream_append(stream="user:1", kind="followup.due", data=event_data("followup.due", n=0))
        batch = stream_append_many(
            stream="user:1", kind="followup.due", datas=[event_data("followup.due", n=i) for i in range(1, 5)]
        )
        stream_append(stream="user:1", kind="followup.due", data=event_data("followup.due", n=5))
    assert [e.seq for e in batch] == [2, 3, 4, 5]
    rows = list(Event.objects.filter(stream="user:1").order_by("seq").values_list("seq", "data"))
    assert [(seq, data["n"]) for seq, data in rows] == [(i + 1, i) for i in range(6)]
    assert all(e.created_at is not None for e in Event.objects.filter(stream="user:1"))


@pytest.mark.django_db(transaction=True)
def test_a_batch_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        stream_append_many(stream="user:1", kind="followup.due", datas=[event_data("followup.due")])


def _held(appends: list[tuple[str, int]]) -> list:
    """Append in a held batch, as the tablet's sync does; the Event objects, numbered once written."""
    events = []
    with transaction.atomic(), stream_batch():
        for stream, n in appends:
            events.append(stream_append(stream=stream, kind="followup.due", data=event_data("followup.due", n=n)))
    return events


def test_held_events_are_numbered_per_stream_whether_or_not_the_streams_have_counters():
    """A batch's events are numbered by the statement that moves their counters; a stream seen for
    the first time (no counter yet), alone or after one that has a counter, is numbered all the same."""
    first = _held([("user:2", 0), ("user:1", 1), ("user:2", 2)])  # neither stream has a counter
    again = _held([("user:1", 3), ("user:2", 4), ("user:1", 5)])  # both have
    mixed = _held([("user:1", 6), ("user:3", 7), ("user:3", 8)])  # user:3 is new, after user:1
    assert [(e.stream, e.seq) for e in first + again + mixed] == [
        ("user:2", 1), ("user:1", 1), ("user:2", 2),
        ("user:1", 2), ("user:2", 3), ("user:1", 3),
        ("user:1", 4), ("user:3", 1), ("user:3", 2),
    ]  # fmt: skip
    for stream, last in (("user:1", 4), ("user:2", 3), ("user:3", 2)):
        rows = list(Event.objects.filter(stream=stream).order_by("seq"))
        assert [e.seq for e in rows] == list(range(1, last + 1))
        assert StreamCounter.objects.get(stream=stream).last_seq == last
    stored = {(e.stream, e.seq): e for e in Event.objects.all()}
    for event in first + again + mixed:
        row = stored[(event.stream, event.seq)]
        assert (row.pk, row.data, row.kind, row.created_at) == (event.pk, event.data, event.kind, event.created_at)
