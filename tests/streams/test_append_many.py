"""Appending a batch of events keeps a stream's sequence contiguous and shared with single appends."""

import pytest
from django.db import transaction

from apps.streams.models import Event
from apps.streams.services import stream_append, stream_append_many
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
