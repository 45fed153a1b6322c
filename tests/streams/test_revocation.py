"""Revoking a tablet closes its live feeds at once, on a real daphne with a real websocket client.

The attack: a revoked tablet keeps a websocket open on its team's stream (not its own user stream,
where the `device.revoked` event lands), and keeps receiving the team's calls until the consumer's
periodic recheck minutes later. Revocation must close every socket of the tablet and of its sessions
now, through the channel layer (Redis, or in-memory in the embedded mode), or, where that layer does
not reach (a command in the embedded mode), through the poller.
"""

import contextlib
import json
import os
import subprocess
import sys
import urllib.request

import pytest
from asgiref.sync import async_to_sync
from django.test import override_settings
from rest_framework.test import APIClient
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from apps.accounts.services import SESSION_LAST_ACTIVE_KEY, device_revoke
from apps.streams.names import team_stream
from tests.factories import PASSWORD, DeviceFactory, device_key_for
from tests.servers import ROOT, AsgiServer, child_env
from tests.streams.helpers import close_code, communicator, receive, send

pytestmark = pytest.mark.django_db(transaction=True)

# A recheck this far away cannot be what closes the socket within the wait below.
SLOW_RECHECK = {"FIRSTLINE_STREAM_RECHECK_SECONDS": "300"}
EMBEDDED = {**SLOW_RECHECK, "REDIS_URL": "", "CELERY_BROKER_URL": "memory://"}
WAIT = 5  # seconds: far under the 300 s recheck, so passing means revocation closed it


def modes() -> list:
    return [
        pytest.param(EMBEDDED, id="embedded"),
        pytest.param(SLOW_RECHECK, id="redis", marks=pytest.mark.services),
    ]


def tablet_session(user, device) -> str:
    client = APIClient()
    body = {"username": user.username, "password": PASSWORD, "device": str(device.pk)}
    answer = client.post("/api/v1/auth/login/", {**body, "device_key": device_key_for(device)}, format="json")
    assert answer.status_code == 200, answer.content
    return client.cookies["sessionid"].value


def open_team_feed(sockets: contextlib.ExitStack, server, session: str, team):
    """A tablet's websocket following its team's stream; `sockets` closes it at the test's end."""
    socket = sockets.enter_context(
        connect(
            f"{server.ws_url}/ws/v1/stream/",
            origin=server.url,
            additional_headers={"Cookie": f"sessionid={session}"},
            open_timeout=10,
        )
    )
    socket.send(json.dumps({"type": "hello", "cursors": {team_stream(team.pk): None}}))
    assert json.loads(socket.recv(timeout=10))["type"] == "welcome"
    return socket


def closed_with(socket) -> int | None:
    """Read until the server closes the socket (or WAIT passes: then None)."""
    try:
        while True:
            socket.recv(timeout=WAIT)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None
    except TimeoutError:
        return None
    finally:
        socket.close()


def server_for(mode):
    if mode is not EMBEDDED and not os.environ.get("REDIS_URL"):
        pytest.skip("needs REDIS_URL")
    (ROOT / "var").mkdir(exist_ok=True)
    return AsgiServer(extra_env=mode).start()


@pytest.mark.parametrize("mode", modes())
def test_revoking_through_the_api_closes_the_tablets_team_feed_at_once(mode, responder, supervisor, team):
    device = DeviceFactory(team=team)
    with contextlib.ExitStack() as sockets:
        server = server_for(mode)
        sockets.callback(server.stop)
        feed = open_team_feed(sockets, server, tablet_session(responder, device), team)
        admin = APIClient()
        admin.post("/api/v1/auth/login/", {"username": supervisor.username, "password": PASSWORD}, format="json")
        request = urllib.request.Request(  # noqa: S310 (loopback test server)
            f"{server.url}/api/v1/devices/{device.pk}/revoke/",
            data=b'{"reason": "stolen"}',
            headers={
                "Content-Type": "application/json",
                "Cookie": f"sessionid={admin.cookies['sessionid'].value}; csrftoken={admin.cookies['csrftoken'].value}",
                "X-CSRFToken": admin.cookies["csrftoken"].value,
                "Origin": server.url,
                "Referer": f"{server.url}/",
            },
            method="POST",
        )
        with urllib.request.urlopen(request) as answer:  # noqa: S310
            assert answer.status == 200
        assert closed_with(feed) == 4410


@pytest.mark.parametrize("mode", modes())
def test_revoking_with_the_command_in_another_process_closes_the_feed_at_once(mode, responder, supervisor, team):
    device = DeviceFactory(team=team)
    with contextlib.ExitStack() as sockets:
        server = server_for(mode)
        sockets.callback(server.stop)
        feed = open_team_feed(sockets, server, tablet_session(responder, device), team)
        subprocess.run(
            [sys.executable, "manage.py", "revoke_device", str(device.pk), "--by", supervisor.username],
            cwd=ROOT,
            env={**child_env(), **mode},
            check=True,
            capture_output=True,
            timeout=60,
        )
        assert closed_with(feed) == 4410


@pytest.mark.parametrize("mode", modes())
def test_every_socket_of_the_tablet_closes_and_other_tablets_stay_open(mode, responder, supervisor, team):
    device, other = DeviceFactory(team=team), DeviceFactory(team=team)
    with contextlib.ExitStack() as sockets:
        server = server_for(mode)
        sockets.callback(server.stop)
        feeds = [open_team_feed(sockets, server, tablet_session(responder, device), team) for _ in range(2)]
        bystander = open_team_feed(sockets, server, tablet_session(responder, other), team)
        device_revoke(actor=supervisor, device_id=device.pk, reason="lost")
        assert [closed_with(feed) for feed in feeds] == [4410, 4410]
        bystander.send(json.dumps({"type": "ping"}))
        assert json.loads(bystander.recv(timeout=WAIT))["type"] == "pong"
        bystander.close()


# --- in-process (WebsocketCommunicator against the real ASGI application) ----------------------------


def _headers(session: str):
    return [(b"cookie", f"sessionid={session}".encode()), (b"origin", b"http://testserver")]


def test_a_socket_idle_past_the_roles_limit_is_closed(responder, team):
    """The per-role idle limit applies to a live feed too: nobody touched the session for too long."""
    from django.contrib.sessions.backends.db import SessionStore

    device = DeviceFactory(team=team)
    session = tablet_session(responder, device)
    store = SessionStore(session_key=session)
    store[SESSION_LAST_ACTIVE_KEY] = store[SESSION_LAST_ACTIVE_KEY] - 59.5  # the limit below is one minute
    store.save()

    async def scenario():
        comm = communicator(_headers(session))
        connected, _ = await comm.connect()
        assert connected
        await send(comm, {"type": "hello", "cursors": {team_stream(team.pk): None}})
        assert (await receive(comm))["type"] == "welcome"
        return await close_code(comm, timeout=WAIT)

    layers = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    with override_settings(CHANNEL_LAYERS=layers, FIRSTLINE_IDLE_MINUTES={"responder": 1}):
        assert async_to_sync(scenario)() == 4411


def test_a_session_cannot_follow_streams_as_another_tablet(responder, team, other_team):
    device, foreign = DeviceFactory(team=team), DeviceFactory(team=other_team)
    session = tablet_session(responder, device)

    async def scenario(named):
        comm = communicator(_headers(session))
        await comm.connect()
        await send(comm, {"type": "hello", "cursors": {team_stream(team.pk): None}, "device": str(named)})
        message = await receive(comm)
        await comm.disconnect()
        return message

    layers = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    with override_settings(CHANNEL_LAYERS=layers):
        assert async_to_sync(scenario)(foreign.pk) == {"type": "closed", "code": 4403}
        assert async_to_sync(scenario)(device.pk)["type"] == "welcome"
