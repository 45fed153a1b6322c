"""Database work per event does not grow with connected clients (issue 20 item 4). With Redis the
doorbell carries the event, so an up-to-date consumer reads nothing; in the embedded mode the poller
reads an event written by another process once and offers it to every local consumer behind."""

import asyncio
import subprocess
import sys

import pytest
from asgiref.sync import async_to_sync
from django.test import override_settings

from apps.streams import consumers, hub
from tests.servers import ROOT, child_env
from tests.streams.helpers import communicator, headers_for, hello, receive

pytestmark = pytest.mark.django_db(transaction=True)

WRITE = """
from django.db import transaction
from apps.streams.services import stream_append
with transaction.atomic():
    stream_append(stream="board", kind="device.revoked", data={"device": "elsewhere-%d"})
"""


def log_reads_for_one_event(monkeypatch, dispatcher, clients: int, number: int) -> int:
    """Connect `clients` consumers, write one event from another process, wait until every client
    has it, and return how many times the event log was read meanwhile."""
    reads = []
    for module in (hub, consumers):
        real = module.event_messages_after

        def counted(*args, _real=real, **kwargs):
            reads.append(kwargs.get("stream"))
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, "event_messages_after", counted)
    env = child_env()
    env.pop("REDIS_URL", None)  # only the poller can tell this process
    env["CELERY_BROKER_URL"] = "memory://"
    headers = headers_for(dispatcher)

    async def scenario():
        comms = [communicator(headers) for _ in range(clients)]
        await asyncio.gather(*(hello(c, {"board": number - 1}) for c in comms))  # the events before this one
        for _ in range(100):  # each consumer's replay after its welcome reads the log once: not this event's work
            if len(reads) >= clients:
                break
            await asyncio.sleep(0.05)
        reads.clear()
        await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "manage.py", "shell", "-c", WRITE % number],
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=60,
            check=True,
        )
        messages = await asyncio.gather(*(receive(c, timeout=10) for c in comms))
        await asyncio.gather(*(c.disconnect() for c in comms))
        return messages

    layers = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    with override_settings(CHANNEL_LAYERS=layers, FIRSTLINE_STREAM_POLL_SECONDS=0.3):
        messages = async_to_sync(scenario)()
    assert [m["data"] for m in messages] == [{"device": f"elsewhere-{number}"}] * clients
    return len(reads)


def test_one_event_is_read_once_for_fifty_clients_as_for_one(monkeypatch, dispatcher):
    alone = log_reads_for_one_event(monkeypatch, dispatcher, clients=1, number=1)
    fifty = log_reads_for_one_event(monkeypatch, dispatcher, clients=50, number=2)
    assert alone == 1
    # One shared read; a poll tick that comes before every delivery finished may read once more.
    # One read per client (50) is what this guards against.
    assert fifty <= 2, fifty
