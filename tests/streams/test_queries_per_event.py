"""Database work per event is independent of the number of connected clients (issue 20 item 4), in
the services mode: real consumers of the real ASGI application (config.asgi) on the Redis channel
layer, one process. Every query this process runs is counted, by thread: the service that writes
the event (its transaction and its doorbell) on one side, everything else (the consumers, the
poller) on the other. A consumer that is up to date sends the event the doorbell carries, so one
event costs the same queries for 1 connected client as for 50: the writer's, and none per client."""

import asyncio
import threading

import pytest
from django.conf import settings
from django.db.backends import utils
from django.test import override_settings

from apps.streams import consumers, services
from apps.streams.names import team_stream
from apps.streams.selectors import stream_heads
from apps.teams.services import team_set_status
from tests.streams.helpers import communicator, headers_for, receive, run, send

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


class QueryCounter:
    """Every query run by any thread of this process, with the thread that ran it."""

    def __init__(self, monkeypatch):
        self.threads: list[int] = []
        lock = threading.Lock()
        for name in ("execute", "executemany"):
            real = getattr(utils.CursorWrapper, name)

            def counted(cursor, *args, _real=real, **kwargs):
                with lock:
                    self.threads.append(threading.get_ident())
                return _real(cursor, *args, **kwargs)

            monkeypatch.setattr(utils.CursorWrapper, name, counted)

    def since(self, mark: int, *, writer: int) -> tuple[int, int]:
        """(the writer's queries, everyone else's) since `mark`."""
        ran = self.threads[mark:]
        mine = sum(1 for t in ran if t == writer)
        return mine, len(ran) - mine


def queries_for_one_event(monkeypatch, counter, dispatcher, team, clients: int) -> tuple[int, int]:
    """Connect `clients` consumers following the board and the team, take the team out of service
    (one event on each stream), wait until every client has both, and count the queries. The team
    is available again afterwards, so each measure makes the same change."""
    status = "out_of_service"
    replays = []
    real_read = consumers.StreamConsumer._read

    def read(stream, after, limit):
        try:
            return real_read(stream, after, limit)
        finally:
            replays.append(stream)

    monkeypatch.setattr(consumers.StreamConsumer, "_read", staticmethod(read))
    streams = ["board", team_stream(team.pk)]
    headers = headers_for(dispatcher)

    async def scenario():
        heads = await asyncio.to_thread(stream_heads, streams=streams)
        comms = [communicator(headers) for _ in range(clients)]
        welcomes = await asyncio.gather(*(say_hello(c, dict(heads)) for c in comms))
        assert all(w["type"] == "welcome" for w in welcomes), welcomes
        # After its welcome each consumer reads the log once per stream (nothing after its cursor):
        # that is the connection's cost, not the event's. Wait until all of those reads returned.
        for _ in range(400):
            if len(replays) >= clients * len(streams):
                break
            await asyncio.sleep(0.05)
        assert len(replays) == clients * len(streams), replays
        mark = len(counter.threads)
        writer = {}

        def write():
            writer["thread"] = threading.get_ident()
            team_set_status(actor=dispatcher, team_id=team.pk, status=status)

        await asyncio.to_thread(write)
        frames = await asyncio.gather(*(receive(c, timeout=30) for c in comms + comms))
        counts = counter.since(mark, writer=writer["thread"])
        await asyncio.gather(*(c.disconnect() for c in comms))
        await asyncio.to_thread(team_set_status, actor=dispatcher, team_id=team.pk, status="available")
        return frames, counts

    # The poller only repairs lost doorbells with Redis; kept from ticking here so it adds no noise.
    with override_settings(FIRSTLINE_STREAM_POLL_SECONDS=600):
        frames, counts = run(scenario)
    assert {(f["kind"], f["data"]["status"]) for f in frames} == {("team.status", status)}
    assert sorted(f["stream"] for f in frames) == sorted(streams * clients)
    return counts


async def say_hello(comm, cursors: dict) -> dict:
    connected, _ = await comm.connect(timeout=30)
    assert connected
    await send(comm, {"type": "hello", "cursors": cursors})
    return await receive(comm, timeout=30)  # 50 hellos at once on a loaded machine take a while


def warm_up(dispatcher, team):
    """The streams' first events create their counters: not what a later event costs."""
    for status in ("out_of_service", "available"):
        team_set_status(actor=dispatcher, team_id=team.pk, status=status)


@pytest.fixture
def counter(monkeypatch):
    assert "Redis" in settings.CHANNEL_LAYERS["default"]["BACKEND"], "the services mode: Redis carries the doorbell"
    return QueryCounter(monkeypatch)


def test_an_events_queries_are_the_same_for_fifty_connected_clients_as_for_one(monkeypatch, counter, dispatcher, team):
    warm_up(dispatcher, team)
    alone = queries_for_one_event(monkeypatch, counter, dispatcher, team, clients=1)
    fifty = queries_for_one_event(monkeypatch, counter, dispatcher, team, clients=50)
    assert fifty == alone, (alone, fifty)
    assert alone[1] == 0  # no client reads the database for an event it is up to date for
    assert alone[0] > 0  # the writer's own work is counted: the counter sees queries


def test_the_counter_would_see_clients_that_read_the_log_per_event(monkeypatch, counter, dispatcher, team):
    """The same measure with doorbells that carry no event (each consumer then reads the log): the
    per-client reads show, so the test above can fail."""
    monkeypatch.setattr(services, "DOORBELL_EVENT_MAX_CHARS", 0)
    warm_up(dispatcher, team)
    alone = queries_for_one_event(monkeypatch, counter, dispatcher, team, clients=1)
    five = queries_for_one_event(monkeypatch, counter, dispatcher, team, clients=5)
    assert five[1] >= 5 * alone[1] > 0, (alone, five)
