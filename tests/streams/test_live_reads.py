"""A websocket's handshake and a follower's events do not wait for the process's requests (issue 20
item 3).

Channels' `database_sync_to_async` runs every websocket's database step of a process on one shared
thread (the one Django's thread-sensitive code outside a request uses). In the reconnect storm, a
board sharing its process with a hundred syncing tablets waited behind their syncs for every event
it had to read from the log, and tablets' handshakes timed out. The live path's database work runs
on threads of its own (apps/common/live.py): here that shared thread is held shut while a follower
connects and events the doorbell does not carry are appended, and the follower must still be
welcomed and receive them."""

import asyncio
import contextlib
import threading

import pytest
from asgiref.sync import sync_to_async
from django.test import override_settings

from apps.streams import services
from apps.streams.selectors import stream_heads
from tests.streams.helpers import append, communicator, headers_for, hello, receive, run, send

pytestmark = pytest.mark.django_db(transaction=True)


async def hold_request_thread(gate: threading.Event) -> asyncio.Future:
    """Occupy the request thread until `gate` opens; return once it is ours (whatever was queued on
    it before has run, so nothing that follows can slip through)."""
    started = threading.Event()

    def hold():
        started.set()
        gate.wait()

    held = asyncio.ensure_future(sync_to_async(hold, thread_sensitive=True)())
    assert await asyncio.to_thread(started.wait, 30)
    return held


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
        held = await hold_request_thread(gate)
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


def test_the_same_reads_on_the_request_thread_would_wait_for_it(dispatcher, doorbells_carry_no_event):
    """The control: with the live path's work queued on the request thread nothing arrives while it
    is held, so the test above can fail."""
    with override_settings(FIRSTLINE_LIVE_OWN_THREADS=False):
        assert events_while_the_request_thread_is_held(dispatcher, wait=3) == []


def welcome_while_the_request_thread_is_held(dispatcher, *, wait: float):
    """Hold the request thread, then open a websocket and say hello: the welcome, or None."""
    gate = threading.Event()
    headers = headers_for(dispatcher)

    async def scenario():
        heads = await asyncio.to_thread(stream_heads, streams=["board"])
        held = await hold_request_thread(gate)
        comm = communicator(headers)
        try:
            await comm.connect(timeout=wait)
            await send(comm, {"type": "hello", "cursors": {"board": heads["board"]}})
            return await receive(comm, timeout=wait)
        except TimeoutError:
            return None
        finally:
            gate.set()
            await held
            # In the control the application is still in its handshake when told to go.
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await comm.disconnect()

    return run(scenario)


def test_a_websocket_is_welcomed_while_the_request_thread_is_busy(dispatcher):
    """Its session, user, second factor and streams are read on the live threads: daphne drops a
    handshake the application has not accepted in 5 s."""
    welcome = welcome_while_the_request_thread_is_held(dispatcher, wait=30)
    assert welcome is not None and welcome["type"] == "welcome", welcome


def test_the_same_handshake_on_the_request_thread_would_wait_for_it(dispatcher):
    with override_settings(FIRSTLINE_LIVE_OWN_THREADS=False):
        assert welcome_while_the_request_thread_is_held(dispatcher, wait=3) is None
