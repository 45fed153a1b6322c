"""Event kinds are a registry with payload keys: appends of unknown kinds or short payloads are refused,
and the code and docs/streams.md agree with it."""

import pytest
from django.db import transaction

from apps.streams.kinds import EVENT_KINDS, EventRefused
from apps.streams.models import Event
from apps.streams.services import stream_append, stream_append_many, streams_append
from tests.literals import forwarding_callees, generated_block, literal_arguments, markdown_table
from tests.servers import ROOT
from tests.streams.helpers import event_data

DOC = ROOT / "docs" / "streams.md"
APPENDERS = {"stream_append", "streams_append", "stream_append_many"}

pytestmark = pytest.mark.django_db


def test_an_unregistered_kind_is_refused_and_takes_no_seq():
    with pytest.raises(EventRefused, match=r"assignment\.teleported"), transaction.atomic():
        stream_append(stream="board", kind="assignment.teleported", data={})
    assert not Event.objects.filter(stream="board").exists()


def test_an_event_missing_a_registered_key_is_refused():
    data = event_data("assignment.created", assignment=1, incident=2, team=3, status="dispatched")
    del data["version"]
    with pytest.raises(EventRefused, match="missing version"), transaction.atomic():
        streams_append(streams=["board", "team:3"], kind="assignment.created", data=data)
    with pytest.raises(EventRefused, match="missing device"), transaction.atomic():
        stream_append_many(stream="user:1", kind="device.revoked", datas=[{"device": "a"}, {}])
    assert not Event.objects.exists()


def test_extra_keys_are_welcome():
    with transaction.atomic():
        event = stream_append(stream="user:1", kind="device.revoked", data={"device": "a", "reason": "lost"})
    assert Event.objects.get(pk=event.pk).data == {"device": "a", "reason": "lost"}


def test_every_literal_kind_appended_in_the_code_is_registered_and_every_registered_kind_is_appended():
    appenders = forwarding_callees(APPENDERS, "kind")
    assert {"_append_grouped", "_announce"} <= appenders  # helpers that pass `kind` on are followed
    appended = literal_arguments("kind", callees=appenders)
    assert set(appended) - set(EVENT_KINDS) == set(), {k: v for k, v in appended.items() if k not in EVENT_KINDS}
    assert set(EVENT_KINDS) - set(appended) == set()


def event_kinds_table() -> str:
    return markdown_table(
        ("kind", "meaning (streams)", "`data` always holds"),
        [(f"`{name}`", kind.meaning, ", ".join(f"`{k}`" for k in kind.keys)) for name, kind in EVENT_KINDS.items()],
    )


def test_the_streams_doc_lists_every_kind_with_its_keys():
    assert generated_block(DOC, "event-kinds") == event_kinds_table(), (
        f"paste between the markers in {DOC.name}:\n{event_kinds_table()}"
    )
