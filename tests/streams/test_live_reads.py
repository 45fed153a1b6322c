"""A follower's events do not wait for the process's requests (issue 20 item 3).

Django runs a process's synchronous views on one thread, and `database_sync_to_async` queues on it.
In the reconnect storm, a board sharing its process with a hundred syncing tablets waited behind
their syncs for every event it had to read from the log. The live path's reads run on threads of
their own (apps/streams/reads.py): here the request thread is held shut while events the doorbell
does not carry are appended, and the follower must still receive them."""

import asyncio
import contextlib
import threading

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async

from apps.streams import consumers, hub, services
from apps.streams.selectors import stream_heads
from tests.streams.helpers import append, communicator, headers_for, hello, receive, run

pytestmark = pytest.mark.django_db(transaction=True)


def events_while_the_request_thread_is_held(dispatcher, *, wait: float) -> list[dict]:
    """Follow the board, hold the request thread, append 3 events, collect what arrives in `wait` s."""
    gate = threading.Event()
    headers = headers_for(dispatcher)

    async def scenario():
        heads = await asyncio.to_thread(stream_heads, streams=["board"])
        comm = communicator(headers)
        assert (await hello(comm, {"board": heads["board"]}))["type"] == "welcome"
        # One event first: once it is here, the consumer's reads since its welcome are done.
        await asyncio.to_thread(append, "board", "team.position", 1)
        assert (await receive(comm, timeout=30))["type"] == "event"
        held = asyncio.ensure_future(sync_to_async(gate.wait, thread_sensitive=True)())
        got = []
        try:
            await asyncio.to_thread(append, "board", "team.position", 3)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + wait
            while len(got) < 3 and loop.time() < deadline:
                try:
                    got.append(await receive(comm, timeout=deadline - loop.time()))
                except TimeoutError:
                    break
        finally:
            gate.set()
            await held
            # In the control the consumer is still in its late read when told to go: it is cancelled.
            with contextlib.suppress(asyncio.CancelledError):
                await comm.disconnect()
        return got

    return run(scenario)


@pytest.fixture
def doorbells_carry_no_event(monkeypatch):
    """Every event must then be read from the log, as in a storm whose batches overflow a doorbell."""
    monkeypatch.setattr(services, "DOORBELL_EVENT_MAX_CHARS", 0)


def test_a_follower_gets_events_read_from_the_log_while_the_request_thread_is_busy(
    dispatcher, doorbells_carry_no_event
):
    got = events_while_the_request_thread_is_held(dispatcher, wait=30)
    assert [m["type"] for m in got] == ["event"] * 3, got
    assert len({m["seq"] for m in got}) == 3


def test_the_same_reads_on_the_request_thread_would_wait_for_it(dispatcher, doorbells_carry_no_event, monkeypatch):
    """The control: with the live reads queued on the request thread nothing arrives while it is
    held, so the test above can fail."""
    monkeypatch.setattr(consumers, "live_read", database_sync_to_async)
    monkeypatch.setattr(hub, "_read_events", database_sync_to_async(hub._read_events.func))
    monkeypatch.setattr(hub, "_read_heads", database_sync_to_async(hub._read_heads.func))
    assert events_while_the_request_thread_is_held(dispatcher, wait=3) == []
