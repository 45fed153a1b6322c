"""The stream protocol, rule by rule, through the real ASGI application (config.asgi)."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.test import override_settings
from django.utils import timezone

from apps.streams.consumers import (
    CLOSE_FORBIDDEN,
    CLOSE_HELLO_TIMEOUT,
    CLOSE_PROTOCOL,
    CLOSE_RATE_LIMITED,
    CLOSE_TOO_LARGE,
    CLOSE_UNAUTHENTICATED,
)
from apps.streams.models import Event
from apps.streams.names import team_stream, user_stream
from apps.streams.services import stream_prune
from tests.streams.helpers import append, close_code, communicator, headers_for, hello, receive, run, send

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_anonymous_connection_is_closed_with_4401():
    async def scenario():
        comm = communicator(headers_for(None))
        connected, _ = await comm.connect()
        assert connected
        assert await close_code(comm) == CLOSE_UNAUTHENTICATED
        await comm.disconnect()

    run(scenario)


def test_a_foreign_origin_is_refused_at_the_handshake(dispatcher):
    headers = headers_for(dispatcher, origin="https://evil.example")

    async def scenario():
        comm = communicator(headers)
        connected, _ = await comm.connect()
        assert not connected
        await comm.disconnect()

    run(scenario)


def test_hello_replays_from_the_cursor_in_order_then_sends_live_events(dispatcher):
    append("board", n=5)
    headers = headers_for(dispatcher)

    async def scenario():
        comm = communicator(headers)
        welcome = await hello(comm, {"board": 2})
        assert welcome == {"type": "welcome", "streams": {"board": 5}}
        replay = [await receive(comm) for _ in range(3)]
        assert [m["seq"] for m in replay] == [3, 4, 5]
        assert all(m["type"] == "event" and m["stream"] == "board" and m["at"].endswith("Z") for m in replay)
        await sync_to_async(append)("board", kind="resource.capacity")
        live = await receive(comm)
        assert (live["seq"], live["kind"]) == (6, "resource.capacity")
        await comm.disconnect()

    run(scenario)


def test_cursor_zero_means_from_the_start(responder, team):
    append(team_stream(team.pk), n=3)
    headers = headers_for(responder)

    async def scenario():
        comm = communicator(headers)
        await hello(comm, {team_stream(team.pk): 0})
        assert [(await receive(comm))["seq"] for _ in range(3)] == [1, 2, 3]
        await comm.disconnect()

    run(scenario)


def test_a_hello_without_cursors_follows_the_users_own_streams_from_now(responder, team):
    append(team_stream(team.pk), n=2)
    headers = headers_for(responder)

    async def scenario():
        comm = communicator(headers)
        welcome = await hello(comm, {})
        assert welcome["streams"] == {user_stream(responder.pk): 0, team_stream(team.pk): 2}
        await sync_to_async(append)(team_stream(team.pk))
        assert (await receive(comm))["seq"] == 3
        await comm.disconnect()

    run(scenario)


@pytest.mark.parametrize("which", ["other_team", "board", "other_user"])
def test_asking_for_a_stream_the_user_may_not_read_closes_with_4403(which, responder, other_team, dispatcher):
    stream = {"other_team": team_stream(other_team.pk), "board": "board", "other_user": user_stream(dispatcher.pk)}[
        which
    ]
    headers = headers_for(responder)

    async def scenario():
        comm = communicator(headers)
        connected, _ = await comm.connect()
        assert connected
        await send(comm, {"type": "hello", "cursors": {stream: 0}})
        assert await close_code(comm) == CLOSE_FORBIDDEN
        await comm.disconnect()

    run(scenario)


def test_a_dispatcher_may_follow_any_team_stream_and_the_board(dispatcher, team, other_team):
    headers = headers_for(dispatcher)

    async def scenario():
        comm = communicator(headers)
        welcome = await hello(comm, {"board": 0, team_stream(team.pk): 0, team_stream(other_team.pk): 0})
        assert welcome["type"] == "welcome"
        await comm.disconnect()

    run(scenario)


def test_a_frame_over_the_size_limit_closes_with_4413(dispatcher):
    headers = headers_for(dispatcher)

    async def scenario():
        comm = communicator(headers)
        await hello(comm, {"board": 0})
        await comm.send_to(text_data='{"type":"ping","pad":"' + "x" * 20000 + '"}')
        assert await close_code(comm) == CLOSE_TOO_LARGE
        await comm.disconnect()

    with override_settings(FIRSTLINE_STREAM_MAX_FRAME_BYTES=16384):
        run(scenario)


def test_too_many_messages_close_with_4429(dispatcher):
    headers = headers_for(dispatcher)

    async def scenario():
        comm = communicator(headers)
        await hello(comm, {"board": 0})
        for _ in range(12):
            await send(comm, {"type": "pong"})
        assert await close_code(comm) == CLOSE_RATE_LIMITED
        await comm.disconnect()

    with override_settings(FIRSTLINE_STREAM_RATE_BURST=10, FIRSTLINE_STREAM_RATE_PER_SECOND=1):
        run(scenario)


@pytest.mark.parametrize(
    "frame",
    [
        "not json",
        '{"type":"ack","stream":"board","seq":1}',
        '{"type":"hello","cursors":{"board":-1}}',
        '{"type":"hello","cursors":{"board":"7"}}',
        '{"type":"teleport"}',
    ],
)
def test_malformed_or_out_of_order_messages_close_with_4400(frame, dispatcher):
    headers = headers_for(dispatcher)

    async def scenario():
        comm = communicator(headers)
        await comm.connect()
        await comm.send_to(text_data=frame)
        assert await close_code(comm) == CLOSE_PROTOCOL
        await comm.disconnect()

    run(scenario)


def test_a_connection_that_never_says_hello_is_closed(dispatcher):
    headers = headers_for(dispatcher)

    async def scenario():
        comm = communicator(headers)
        await comm.connect()
        assert await close_code(comm, timeout=3) == CLOSE_HELLO_TIMEOUT
        await comm.disconnect()

    with override_settings(FIRSTLINE_STREAM_HELLO_TIMEOUT_SECONDS=0.3):
        run(scenario)


def test_the_server_pings_idle_connections(dispatcher):
    headers = headers_for(dispatcher)

    async def scenario():
        comm = communicator(headers)
        await hello(comm, {"board": 0})
        assert await receive(comm, timeout=2) == {"type": "ping"}
        await send(comm, {"type": "ping"})
        assert await receive(comm) == {"type": "pong"}
        await comm.disconnect()

    with override_settings(FIRSTLINE_STREAM_PING_SECONDS=0.2):
        run(scenario)


def test_a_cursor_older_than_retention_gets_resync_with_the_head(dispatcher):
    append("board", n=6)
    Event.objects.filter(stream="board", seq__lte=4).update(created_at=timezone.now() - timezone.timedelta(days=30))
    assert stream_prune(older_than=timezone.now() - timezone.timedelta(days=14)) == 4
    headers = headers_for(dispatcher)

    async def scenario():
        comm = communicator(headers)
        await hello(comm, {"board": 1})
        assert await receive(comm) == {"type": "resync", "stream": "board", "seq": 6}
        await sync_to_async(append)("board")
        assert (await receive(comm))["seq"] == 7
        await comm.disconnect()

        comm = communicator(headers)
        await hello(comm, {"board": 4})  # the next one (5) is still kept: no resync
        assert [(await receive(comm))["seq"] for _ in range(3)] == [5, 6, 7]
        await comm.disconnect()

    run(scenario)


def test_a_cursor_ahead_of_the_server_gets_resync(dispatcher):
    append("board", n=2)
    headers = headers_for(dispatcher)

    async def scenario():
        comm = communicator(headers)
        await hello(comm, {"board": 50})
        assert await receive(comm) == {"type": "resync", "stream": "board", "seq": 2}
        await comm.disconnect()

    run(scenario)


def test_events_committed_during_replay_arrive_once_and_in_order(dispatcher):
    append("board", n=300)
    headers = headers_for(dispatcher)

    async def scenario():
        comm = communicator(headers)
        await hello(comm, {"board": 0})
        writer = asyncio.ensure_future(sync_to_async(append)("board", n=40))
        seqs = []
        while len(seqs) < 340:
            message = await receive(comm, timeout=10)
            if message["type"] == "event":
                seqs.append(message["seq"])
        await writer
        assert seqs == list(range(1, 341))
        assert await comm.receive_nothing(0.3)
        await comm.disconnect()

    run(scenario)
