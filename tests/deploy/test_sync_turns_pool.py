"""Tablets' batches waiting for their turn on a server process give their database connection back to
the pool, so the process's other requests are served meanwhile (apps/field/turns.py)."""

import json
import threading
import time
import urllib.request

import pytest
from django.db import connection, transaction
from rest_framework.test import APIClient

from apps.field.models import AppliedMutation
from tests.factories import PASSWORD, DeviceFactory, device_key_for
from tests.field.helpers import assigned_call, encounter_create, note
from tests.servers import AsgiServer

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

POOL = 2
WAITING = 3


def _cookies(user, device) -> dict:
    client = APIClient()
    body = {
        "username": user.username,
        "password": PASSWORD,
        "device": str(device.pk),
        "device_key": device_key_for(device),
    }
    assert client.post("/api/v1/auth/login/", body, format="json").status_code == 200
    return {name: client.cookies[name].value for name in ("sessionid", "csrftoken")}


def _sync(server, cookies: dict, device, mutations) -> tuple[int, list]:
    request = urllib.request.Request(  # noqa: S310 (loopback test server)
        f"{server.url}/api/v1/field/sync/",
        data=json.dumps({"device": str(device.pk), "mutations": mutations}).encode(),
        headers={
            "Content-Type": "application/json",
            "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
            "X-CSRFToken": cookies["csrftoken"],
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=120) as answer:  # noqa: S310
        return answer.status, [r["status"] for r in json.loads(answer.read())["results"]]


def _waiting(server) -> float:
    with urllib.request.urlopen(f"{server.url}/metrics", timeout=10) as answer:  # noqa: S310
        for line in answer.read().decode().splitlines():
            if line.startswith("firstline_sync_batches_waiting "):
                return float(line.split()[1])
    return 0.0


def test_batches_waiting_for_their_turn_leave_the_pool_to_the_process_other_requests(responder, dispatcher, team):
    server = AsgiServer(
        extra_env={
            "FIRSTLINE_DB_POOL_SIZE": str(POOL),
            "FIRSTLINE_DB_POOL_TIMEOUT": "5",
            "FIRSTLINE_SYNC_BATCHES_AT_ONCE": "1",
            "FIRSTLINE_SYNC_TURN_WAIT_SECONDS": "90",
        }
    ).start()
    try:
        call = assigned_call(dispatcher, team)
        tablets = [DeviceFactory(team=team) for _ in range(1 + WAITING)]
        cookies = [_cookies(responder, tablet) for tablet in tablets]
        outboxes = []
        for _ in tablets:
            create = encounter_create(*call)
            outboxes.append([create, note(create["record"], "Back at the shelter, settled.")])
        answers = {}

        def send(i):
            answers[i] = _sync(server, cookies[i], tablets[i], outboxes[i])

        senders = [threading.Thread(target=send, args=(i,)) for i in range(len(tablets))]
        with transaction.atomic(), connection.cursor() as cursor:
            # The first batch takes the process's one turn and waits there, holding a connection.
            cursor.execute(f'LOCK TABLE "{AppliedMutation._meta.db_table}" IN EXCLUSIVE MODE')
            senders[0].start()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                if cursor.fetchone()[0] >= 1:
                    break
                time.sleep(0.1)
            else:
                raise AssertionError("the first batch never reached its answers")
            for sender in senders[1:]:
                sender.start()
            while _waiting(server) < WAITING and time.monotonic() < deadline:
                time.sleep(0.1)
            assert _waiting(server) == WAITING
            # More batches than the pool has connections are waiting: the process still has one to spare.
            started = time.monotonic()
            with urllib.request.urlopen(f"{server.url}/readyz", timeout=30) as ready:  # noqa: S310
                assert ready.status == 200
            assert time.monotonic() - started < 4  # the pool's timeout is 5 s
        for sender in senders:
            sender.join(timeout=120)
        assert [answers[i] for i in range(len(tablets))] == [(200, ["applied", "applied"])] * len(tablets)
        assert _waiting(server) == 0
    finally:
        server.stop()
