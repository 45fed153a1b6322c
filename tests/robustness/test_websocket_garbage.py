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

# Each garbage frame and the close code the protocol documents for it (streams.md).
TEXT_FRAMES = {
    "whitespace": ("   ", CLOSE_PROTOCOL),
    "not json": ("{nope", CLOSE_PROTOCOL),
    "json null": ("null", CLOSE_PROTOCOL),
    "json array": ("[]", CLOSE_PROTOCOL),
    "json number": ("42", CLOSE_PROTOCOL),
    "NaN literal": ('{"type": "hello", "cursors": {"board": NaN}}', CLOSE_PROTOCOL),
    "deep nesting": (deeply_nested(), CLOSE_PROTOCOL),
    "deep object": ('{"a":' * 5000 + "1" + "}" * 5000, CLOSE_TOO_LARGE),
    "nul in type": (json.dumps({"type": "hel\x00lo"}), CLOSE_PROTOCOL),
    "type is a list": (json.dumps({"type": ["hello"]}), CLOSE_PROTOCOL),
    "type is an object": (json.dumps({"type": {"hello": 1}}), CLOSE_PROTOCOL),
    "cursors is a list": (json.dumps({"type": "hello", "cursors": ["board"]}), CLOSE_PROTOCOL),
    "cursors is a string": (json.dumps({"type": "hello", "cursors": "board"}), CLOSE_PROTOCOL),
    "float cursor": (json.dumps({"type": "hello", "cursors": {"board": 1.5}}), CLOSE_PROTOCOL),
    "bool cursor": (json.dumps({"type": "hello", "cursors": {"board": True}}), CLOSE_PROTOCOL),
    "nul in stream name": (json.dumps({"type": "hello", "cursors": {"boa\x00rd": 0}}), CLOSE_PROTOCOL),
    "stream name too long": (json.dumps({"type": "hello", "cursors": {"x" * 5000: 0}}), CLOSE_PROTOCOL),
    "too many streams": (
        json.dumps({"type": "hello", "cursors": {f"team:{i}": 0 for i in range(500)}}),
        CLOSE_PROTOCOL,
    ),
    "a stream of no kind": (json.dumps({"type": "hello", "cursors": {"audit:1": 0}}), CLOSE_FORBIDDEN),
    "ack before hello": (json.dumps({"type": "ack", "stream": "board", "seq": 1}), CLOSE_PROTOCOL),
    "unknown type": (json.dumps({"type": "explode"}), CLOSE_PROTOCOL),
    "over the size limit": (json.dumps({"type": "ping", "pad": "x" * 200_000}), CLOSE_TOO_LARGE),
}

# Odd hellos that are still valid: a cursor far ahead of the log (answered with a resync after the
# welcome), and a team stream that has no team yet (a dispatcher may follow any team's stream).
ODD_BUT_VALID_HELLOS = {
    "huge cursor": {"type": "hello", "cursors": {"board": 10**30}},
    "bigint cursor": {"type": "hello", "cursors": {"board": 2**63}},
    "unknown team stream": {"type": "hello", "cursors": {"team:999999999999999999999": 0}},
}

# After the hello: a bad frame, then a ping. A frame the protocol ignores leaves the ping its pong.
AFTER_HELLO_FRAMES = {
    "ack of a huge seq": ({"type": "ack", "stream": "board", "seq": 10**30}, "pong"),
    "ack of a negative seq": ({"type": "ack", "stream": "board", "seq": -1}, CLOSE_PROTOCOL),
    "ack of a string seq": ({"type": "ack", "stream": "board", "seq": "7"}, CLOSE_PROTOCOL),
    "ack of a stream not followed": ({"type": "ack", "stream": "team:1", "seq": 1}, CLOSE_PROTOCOL),
    "ack with a nul stream": ({"type": "ack", "stream": "bo\x00ard", "seq": 1}, CLOSE_PROTOCOL),
    "a second hello": ({"type": "hello", "cursors": {"board": 0}}, CLOSE_PROTOCOL),
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


def _expect(name: str, answer: dict, expected) -> None:
    """`expected` is a close code, or the type of the reply a frame the protocol accepts gets."""
    got = answer["code"] if answer["type"] == "closed" else answer["type"]
    assert got == expected, f"{name}: expected {expected}, got {answer}"


def test_garbage_text_frames_close_the_connection_with_a_documented_code(dispatcher):
    headers = headers_for(dispatcher)

    async def scenario():
        for name, (frame, code) in TEXT_FRAMES.items():
            comm = communicator(headers)
            await comm.connect()
            await comm.send_to(text_data=frame)
            _expect(name, await _answer_to(comm), code)
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
            _expect(repr(frame), await _answer_to(comm), CLOSE_PROTOCOL)
            await comm.disconnect()
        await _still_serving(headers)

    run(scenario)


def test_odd_but_valid_hellos_are_welcomed_and_a_cursor_ahead_is_resynced(dispatcher):
    headers = headers_for(dispatcher)

    async def scenario():
        for name, frame in ODD_BUT_VALID_HELLOS.items():
            comm = communicator(headers)
            await comm.connect()
            await send(comm, frame)
            welcome = await receive(comm)
            assert welcome["type"] == "welcome", f"{name}: {welcome}"
            ((stream, cursor),) = frame["cursors"].items()
            if cursor > welcome["streams"][stream]:
                resync = await receive(comm)
                assert resync == {"type": "resync", "stream": stream, "seq": welcome["streams"][stream]}, name
            await comm.disconnect()

    run(scenario)


def test_a_bad_frame_after_hello_closes_with_a_documented_code_or_is_ignored(dispatcher):
    headers = headers_for(dispatcher)

    async def scenario():
        for name, (frame, expected) in AFTER_HELLO_FRAMES.items():
            comm = communicator(headers)
            await comm.connect()
            await send(comm, {"type": "hello", "cursors": {"board": None}})
            assert (await receive(comm))["type"] == "welcome"
            await send(comm, frame)
            await send(comm, {"type": "ping"})
            _expect(name, await _answer_to(comm), expected)
            await comm.disconnect()
        await _still_serving(headers)

    run(scenario)
