"""Garbage on the stream socket closes that one connection with a documented 4xxx code.

The consumer never raises: after every bad frame a new connection still gets its welcome.
"""

import json

import pytest
from asgiref.sync import async_to_sync

from apps.streams.consumers import CLOSE_FORBIDDEN, CLOSE_PROTOCOL, CLOSE_TOO_LARGE
from tests.robustness.helpers import deeply_nested
from tests.streams.helpers import communicator, headers_for, receive, send

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

DOCUMENTED = {CLOSE_PROTOCOL, CLOSE_FORBIDDEN, CLOSE_TOO_LARGE}

TEXT_FRAMES = {
    "whitespace": "   ",
    "not json": "{nope",
    "json null": "null",
    "json array": "[]",
    "json number": "42",
    "NaN literal": '{"type": "hello", "cursors": {"board": NaN}}',
    "deep nesting": deeply_nested(),
    "deep object": '{"a":' * 5000 + "1" + "}" * 5000,
    "nul in type": json.dumps({"type": "hel\x00lo"}),
    "type is a list": json.dumps({"type": ["hello"]}),
    "type is an object": json.dumps({"type": {"hello": 1}}),
    "cursors is a list": json.dumps({"type": "hello", "cursors": ["board"]}),
    "cursors is a string": json.dumps({"type": "hello", "cursors": "board"}),
    "huge cursor": json.dumps({"type": "hello", "cursors": {"board": 10**30}}),
    "bigint cursor": json.dumps({"type": "hello", "cursors": {"board": 2**63}}),
    "float cursor": json.dumps({"type": "hello", "cursors": {"board": 1.5}}),
    "bool cursor": json.dumps({"type": "hello", "cursors": {"board": True}}),
    "nul in stream name": json.dumps({"type": "hello", "cursors": {"boa\x00rd": 0}}),
    "unknown stream": json.dumps({"type": "hello", "cursors": {"team:999999999999999999999": 0}}),
    "stream name too long": json.dumps({"type": "hello", "cursors": {"x" * 5000: 0}}),
    "too many streams": json.dumps({"type": "hello", "cursors": {f"team:{i}": 0 for i in range(500)}}),
    "ack before hello": json.dumps({"type": "ack", "stream": "board", "seq": 1}),
    "unknown type": json.dumps({"type": "explode"}),
    "over the size limit": json.dumps({"type": "ping", "pad": "x" * 200_000}),
}

AFTER_HELLO_FRAMES = {
    "ack of a huge seq": {"type": "ack", "stream": "board", "seq": 10**30},
    "ack of a negative seq": {"type": "ack", "stream": "board", "seq": -1},
    "ack of a string seq": {"type": "ack", "stream": "board", "seq": "7"},
    "ack of a stream not followed": {"type": "ack", "stream": "team:1", "seq": 1},
    "ack with a nul stream": {"type": "ack", "stream": "bo\x00ard", "seq": 1},
    "a second hello": {"type": "hello", "cursors": {"board": 0}},
}


def run(coroutine_function):
    return async_to_sync(coroutine_function)()


async def _still_serving(headers):
    comm = communicator(headers)
    connected, _ = await comm.connect()
    assert connected
    await send(comm, {"type": "hello", "cursors": {"board": None}})
    assert (await receive(comm))["type"] == "welcome"
    await comm.disconnect()


async def _answer_to(comm) -> dict:
    """The first thing the server says after a frame: a close, or (for a frame it accepts) a reply."""
    answer = await receive(comm)
    while answer["type"] == "resync":  # a cursor ahead of the server is answered with a resync
        answer = await receive(comm)
    return answer


def _acceptable(name: str, answer: dict) -> None:
    if answer["type"] == "closed":
        assert answer["code"] in DOCUMENTED, f"{name}: closed with {answer['code']}"
    else:
        # Some odd frames are still valid (a cursor far ahead gets a resync; a dispatcher may follow
        # any team stream); they must be answered, never crash the consumer.
        assert answer["type"] in ("welcome", "pong"), f"{name}: {answer}"


def test_garbage_text_frames_close_the_connection_with_a_documented_code(dispatcher):
    headers = headers_for(dispatcher)

    async def scenario():
        for name, frame in TEXT_FRAMES.items():
            comm = communicator(headers)
            await comm.connect()
            await comm.send_to(text_data=frame)
            _acceptable(name, await _answer_to(comm))
            await comm.disconnect()
        await _still_serving(headers)

    run(scenario)


def test_garbage_binary_frames_close_the_connection_with_a_documented_code(dispatcher):
    headers = headers_for(dispatcher)

    async def scenario():
        for frame in [b"\xff\xfe\x00", b"\x00", b"{}", b'{"type":"ping"}' * 3]:
            comm = communicator(headers)
            await comm.connect()
            await comm.send_to(bytes_data=frame)
            _acceptable(repr(frame), await _answer_to(comm))
            await comm.disconnect()
        await _still_serving(headers)

    run(scenario)


def test_a_bad_frame_after_hello_closes_with_a_documented_code_or_is_ignored(dispatcher):
    headers = headers_for(dispatcher)

    async def scenario():
        for name, frame in AFTER_HELLO_FRAMES.items():
            comm = communicator(headers)
            await comm.connect()
            await send(comm, {"type": "hello", "cursors": {"board": None}})
            assert (await receive(comm))["type"] == "welcome"
            await send(comm, frame)
            await send(comm, {"type": "ping"})
            _acceptable(name, await _answer_to(comm))  # an ack beyond what was sent is ignored: pong
            await comm.disconnect()
        await _still_serving(headers)

    run(scenario)
