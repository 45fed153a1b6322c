"""Helpers to talk to the real ASGI application with a signed-in session, as a browser would; and to
append events and open a call for a test to watch arrive."""

import asyncio
import json
import urllib.request
from http.cookies import SimpleCookie

from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.test import Client

from apps.incidents import services as incidents
from apps.streams.services import stream_append

ORIGIN = "http://testserver"


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def headers_for(user=None, origin: str | None = ORIGIN) -> list[tuple[bytes, bytes]]:
    headers = []
    if user is not None:
        headers.append((b"cookie", f"sessionid={session_cookie(user)}".encode()))
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    return headers


def communicator(headers) -> WebsocketCommunicator:
    from config.asgi import application

    return WebsocketCommunicator(application, "/ws/v1/stream/", headers=headers)


async def send(comm, message: dict) -> None:
    await comm.send_to(text_data=json.dumps(message))


async def receive(comm, timeout: float = 3) -> dict:
    output = await comm.receive_output(timeout)
    if output["type"] == "websocket.close":
        return {"type": "closed", "code": output.get("code")}
    return json.loads(output["text"])


async def receive_until(comm, predicate, timeout: float = 5) -> list[dict]:
    """Collect messages until one satisfies `predicate` (included), or fail after `timeout`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    seen = []
    while True:
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise AssertionError(f"condition not met; got {seen}")
        message = await receive(comm, timeout=remaining)
        seen.append(message)
        if predicate(message):
            return seen


async def close_code(comm, timeout: float = 3) -> int | None:
    """Read until the server closes the socket; return its close code."""
    while True:
        message = await receive(comm, timeout)
        if message["type"] == "closed":
            return message["code"]


async def hello(comm, cursors: dict) -> dict:
    connected, _ = await comm.connect()
    assert connected
    await send(comm, {"type": "hello", "cursors": cursors})
    return await receive(comm)


class HttpSession:
    """A browser-like HTTP client for a real server: session cookie, CSRF cookie and header."""

    def __init__(self, server, user):
        self.server = server
        self.session = session_cookie(user)
        request = urllib.request.Request(  # noqa: S310 (loopback test server)
            f"{server.url}/board/", headers={"Cookie": f"sessionid={self.session}"}
        )
        with urllib.request.urlopen(request) as response:  # noqa: S310 (sets csrftoken)
            cookies = SimpleCookie()
            for header in response.headers.get_all("Set-Cookie"):
                cookies.load(header)
        self.csrf = cookies["csrftoken"].value

    def post(self, path: str, body: dict) -> dict:
        request = urllib.request.Request(  # noqa: S310 (loopback test server)
            f"{self.server.url}{path}",
            data=json.dumps(body).encode(),
            headers={
                "Content-Type": "application/json",
                "X-CSRFToken": self.csrf,
                "Cookie": f"sessionid={self.session}; csrftoken={self.csrf}",
            },
            method="POST",
        )
        with urllib.request.urlopen(request) as response:  # noqa: S310
            return json.loads(response.read())


def event_data(kind: str, **extra) -> dict:
    """Data a registered kind accepts: its registered keys (empty) plus `extra`."""
    from apps.streams.kinds import EVENT_KINDS

    return {**dict.fromkeys(EVENT_KINDS[kind].keys), **extra}


def run(coroutine_function):
    return async_to_sync(coroutine_function)()


def append(stream: str, kind: str = "team.position", n: int = 1, **data) -> list[int]:
    seqs = []
    for i in range(n):
        with transaction.atomic():
            seqs.append(stream_append(stream=stream, kind=kind, data=event_data(kind, i=i, **data)).seq)
    return seqs


def new_incident(actor):
    return incidents.incident_create(actor=actor, summary="Person sleeping in a doorway", location_text="Main & 3rd")
