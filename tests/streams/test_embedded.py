"""Embedded mode (no Redis): events written by another process reach connected clients, through the
poller alone (how fast is a benchmark's business, not a test's: bench/stream_latency.py)."""

import subprocess
import sys

import pytest
from asgiref.sync import async_to_sync
from django.test import override_settings

from tests.servers import ROOT, child_env
from tests.streams.helpers import communicator, headers_for, hello, receive

pytestmark = pytest.mark.django_db(transaction=True)

WRITE_FROM_ANOTHER_PROCESS = """
from django.db import transaction
from apps.streams.services import stream_append
with transaction.atomic():
    stream_append(stream="board", kind="device.revoked", data={"device": "elsewhere"})
"""


def test_an_event_written_by_another_process_arrives_through_the_poller_without_redis(dispatcher):
    headers = headers_for(dispatcher)
    env = child_env()
    env.pop("REDIS_URL", None)  # the writer has no channel layer that could reach us: only the poller can
    env["CELERY_BROKER_URL"] = "memory://"

    async def scenario():
        comm = communicator(headers)
        await hello(comm, {"board": 0})
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", WRITE_FROM_ANOTHER_PROCESS],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        message = await receive(comm, timeout=10)  # a few poll intervals; without the poller, never
        await comm.disconnect()
        return message

    layers = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    with override_settings(CHANNEL_LAYERS=layers, FIRSTLINE_STREAM_POLL_SECONDS=0.3):
        message = async_to_sync(scenario)()
    assert (message["kind"], message["data"]) == ("device.revoked", {"device": "elsewhere"})
