"""Commit-to-receipt latency of stream events, against raw Redis pub/sub and plain Channels.

Runs a real daphne process (bench/stream_asgi.py) on loopback against DATABASE_URL / REDIS_URL
(both required; the database must be migrated). With `--idle` clients connected and idle, it
measures, closed loop (one event in flight), for `--events` events per run and `--runs` runs:

  firstline  an `assignment.created`-shaped event appended with stream_append in its own
             transaction; clock starts when the transaction commits (first on_commit hook) and
             stops when the websocket client following the team stream receives it
  channels   a plain `group_send` to a consumer that forwards it (no log, no auth, no ordering)
  redis      a raw PUBLISH received by a SUBSCRIBE connection (no websocket at all)

Then it grows the number of idle connections until the p95 of the firstline path passes 250 ms
or `--capacity-max` is reached, and reports the server's memory per connection.

    DJANGO_SETTINGS_MODULE=config.settings.test DATABASE_URL=... REDIS_URL=... python bench/stream_latency.py
"""

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

import redis  # noqa: E402
from channels.layers import get_channel_layer  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402

from apps.accounts.models import User  # noqa: E402
from apps.streams.names import team_stream, user_stream  # noqa: E402
from apps.streams.services import _loop_for_doorbells, stream_append  # noqa: E402
from apps.teams.models import Membership, Team  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


class Loop:
    """An asyncio loop in a thread that holds every client connection."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    def run(self, coroutine, timeout=600):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)


class Receiver:
    """One websocket that records when each message arrives (by key) and wakes the producer."""

    def __init__(self):
        self.arrived: dict[str, float] = {}
        self.events: dict[str, threading.Event] = {}

    def expect(self, key: str) -> threading.Event:
        self.events[key] = threading.Event()
        return self.events[key]

    def hit(self, key: str) -> None:
        self.arrived[key] = time.time()
        waiter = self.events.get(key)
        if waiter is not None:
            waiter.set()


def session_for(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def setup_people(run_id: str):
    dispatcher = User.objects.create(username=f"bench-d-{run_id}", role="dispatcher")
    responder = User.objects.create(username=f"bench-r-{run_id}", role="responder")
    team = Team.objects.create(call_sign=f"B-{run_id[:8]}", status="available")
    Membership.objects.create(team=team, user=responder)
    return dispatcher, responder, team


async def open_idle(url: str, origin: str, cookie: str, stream: str, count: int, sockets: list) -> int:
    """Open `count` idle connections (hello, welcome), retrying a refused handshake; return failures."""
    failures = 0

    async def one():
        nonlocal failures
        for attempt in range(5):
            try:
                ws = await connect(
                    url, origin=origin, additional_headers={"Cookie": f"sessionid={cookie}"}, ping_interval=None
                )
                await ws.send(json.dumps({"type": "hello", "cursors": {stream: None}}))
                json.loads(await ws.recv())  # welcome
                sockets.append(ws)
                return
            except Exception:
                await asyncio.sleep(0.2 * (attempt + 1))
        failures += 1

    for start in range(0, count, 25):
        await asyncio.gather(*(one() for _ in range(min(25, count - start))))
    return failures


async def follow(ws, receiver: Receiver, key_of) -> None:
    with contextlib.suppress(Exception):  # the server goes away at the end of the run
        async for raw in ws:
            key = key_of(raw)
            if key:
                receiver.hit(key)


def firstline_key(raw: str) -> str | None:
    message = json.loads(raw)
    return message["data"].get("bench") if message.get("type") == "event" else None


def measure_firstline(team, receiver: Receiver) -> float | None:
    """One event: append in its own transaction; clock from commit to the client's receipt."""
    key = uuid.uuid4().hex
    waiter = receiver.expect(key)
    stamp = {}
    with transaction.atomic():
        transaction.on_commit(lambda: stamp.setdefault("t", time.time()))  # runs first, right after COMMIT
        stream_append(
            stream=team_stream(team.pk),
            kind="assignment.created",
            data={"assignment": 0, "incident": 0, "team": team.pk, "status": "dispatched", "bench": key},
        )
    if not waiter.wait(5):
        return None
    return (receiver.arrived[key] - stamp["t"]) * 1000


def measure_channels(receiver: Receiver, group: str) -> float | None:
    """One plain group_send through the same channel layer, to a consumer that just forwards it."""
    key = uuid.uuid4().hex
    waiter = receiver.expect(key)
    started = time.time()
    asyncio.run_coroutine_threadsafe(
        get_channel_layer().group_send(group, {"type": "bench.message", "text": json.dumps({"bench": key})}),
        _loop_for_doorbells(),
    ).result(5)
    if not waiter.wait(5):
        return None
    return (receiver.arrived[key] - started) * 1000


class RawRedis:
    """PUBLISH from this thread, SUBSCRIBE on the client loop: the floor under both paths."""

    def __init__(self, loop: Loop):
        import redis.asyncio as aioredis

        self.channel = f"bench-raw-{uuid.uuid4().hex}"
        self.receiver = Receiver()
        ready = threading.Event()

        async def subscribe():
            client = aioredis.from_url(settings.REDIS_URL)
            pubsub = client.pubsub()
            await pubsub.subscribe(self.channel)
            ready.set()
            async for message in pubsub.listen():
                if message["type"] == "message":
                    self.receiver.hit(message["data"].decode())

        self.task = asyncio.run_coroutine_threadsafe(subscribe(), loop.loop)
        ready.wait(5)
        self.publisher = redis.Redis.from_url(settings.REDIS_URL)

    def measure(self) -> float | None:
        key = uuid.uuid4().hex
        waiter = self.receiver.expect(key)
        started = time.time()
        self.publisher.publish(self.channel, key)
        if not waiter.wait(5):
            return None
        return (self.receiver.arrived[key] - started) * 1000


def measure_run(n: int, team, receiver: Receiver, raw: RawRedis, group: str) -> dict[str, tuple[list[float], int]]:
    """Interleave the three paths event by event, so load from elsewhere hits all three alike."""
    out = {"firstline": ([], 0), "channels": ([], 0), "redis": ([], 0)}
    probes = {
        "firstline": lambda: measure_firstline(team, receiver),
        "channels": lambda: measure_channels(receiver, group),
        "redis": raw.measure,
    }
    for _ in range(n):
        for name, probe in probes.items():
            value = probe()
            latencies, lost = out[name]
            if value is None:
                out[name] = (latencies, lost + 1)
            else:
                latencies.append(value)
    return out


def summary(name: str, runs: list[tuple[list[float], int]]) -> dict:
    pooled = [x for run, _ in runs for x in run]
    return {
        "path": name,
        "events": len(pooled),
        "lost": sum(lost for _, lost in runs),
        "p50_ms": statistics.median(percentile(r, 50) for r, _ in runs),
        "p99_ms": statistics.median(percentile(r, 99) for r, _ in runs),
        "pooled_p50_ms": percentile(pooled, 50),
        "pooled_p99_ms": percentile(pooled, 99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--idle", type=int, default=500)
    parser.add_argument("--events", type=int, default=2000, help="events per run and path")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--capacity-step", type=int, default=1000)
    parser.add_argument("--capacity-max", type=int, default=4000)
    parser.add_argument("--capacity-events", type=int, default=200)
    args = parser.parse_args()
    if not settings.REDIS_URL or not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        sys.exit("needs DATABASE_URL (PostgreSQL, migrated) and REDIS_URL")

    run_id = uuid.uuid4().hex[:10]
    dispatcher, responder, team = setup_people(run_id)
    port = free_port()
    plain_group = f"bench.plain.{run_id}"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "BENCH_PLAIN_GROUP": plain_group,
        "LOG_LEVEL": "WARNING",
    }
    log = open(ROOT / "var" / "bench-stream-daphne.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "bench.stream_asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(200):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        origin, base = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}"
        loop = Loop()
        idle_cookie = session_for(dispatcher)
        rss_before = rss_kib(server.pid)
        idle: list = []
        loop.run(open_idle(f"{base}/ws/v1/stream/", origin, idle_cookie, user_stream(dispatcher.pk), args.idle, idle))
        time.sleep(1)
        rss_idle = rss_kib(server.pid)
        print(f"{len(idle)} idle clients connected; server RSS {rss_before} KiB -> {rss_idle} KiB")

        receiver = Receiver()
        cookie = session_for(responder)

        followers: list = []

        async def measuring_clients():
            ws = await connect(
                f"{base}/ws/v1/stream/", origin=origin, additional_headers={"Cookie": f"sessionid={cookie}"}
            )
            await ws.send(json.dumps({"type": "hello", "cursors": {team_stream(team.pk): None}}))
            await ws.recv()
            plain = await connect(f"{base}/bench/plain/", origin=origin)
            followers.append(asyncio.ensure_future(follow(ws, receiver, firstline_key)))
            followers.append(asyncio.ensure_future(follow(plain, receiver, lambda raw: json.loads(raw).get("bench"))))
            await asyncio.sleep(0.5)

        loop.run(measuring_clients())
        raw = RawRedis(loop)
        measure_run(50, team, receiver, raw, plain_group)  # warm up connections and caches
        results = {"firstline": [], "channels": [], "redis": []}
        for run in range(args.runs):
            for name, outcome in measure_run(args.events, team, receiver, raw, plain_group).items():
                results[name].append(outcome)
            print(f"run {run + 1}/{args.runs} done")
        rows = {name: summary(name, runs) for name, runs in results.items()}
        print(f"\nCommit-to-receipt latency, {len(idle)} idle clients, {args.runs} runs x {args.events} events:")
        print(
            f"{'path':<10} {'events':>7} {'lost':>5} {'p50 ms':>8} {'p99 ms':>8} {'pooled p50':>11} {'pooled p99':>11}"
        )
        for row in rows.values():
            print(
                f"{row['path']:<10} {row['events']:>7} {row['lost']:>5} {row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f}"
                f" {row['pooled_p50_ms']:>11.2f} {row['pooled_p99_ms']:>11.2f}"
            )
        base_row = rows["channels"]
        print(
            f"firstline / plain channels: p50 x{rows['firstline']['p50_ms'] / base_row['p50_ms']:.2f}, "
            f"p99 x{rows['firstline']['p99_ms'] / base_row['p99_ms']:.2f} (target p99 <= x1.5)"
        )
        print(
            f"firstline / raw redis:      p50 x{rows['firstline']['p50_ms'] / rows['redis']['p50_ms']:.2f}, "
            f"p99 x{rows['firstline']['p99_ms'] / rows['redis']['p99_ms']:.2f}"
        )

        print("\nIdle capacity (one daphne process): connections, firstline p95, server RSS")
        total = len(idle)
        while True:
            samples = [measure_firstline(team, receiver) for _ in range(args.capacity_events)]
            lat = [x for x in samples if x is not None]
            lost = len(samples) - len(lat)
            p95 = percentile(lat, 95) if lat else float("inf")
            rss = rss_kib(server.pid)
            per = (rss - rss_before) / max(total, 1)
            print(
                f"{total:>6} connections  p95 {p95:8.2f} ms  lost {lost}  RSS {rss / 1024:.0f} MiB  ~{per:.1f} KiB/conn"
            )
            if p95 >= 250 or total + args.capacity_step > args.capacity_max:
                break
            failed = loop.run(
                open_idle(
                    f"{base}/ws/v1/stream/", origin, idle_cookie, user_stream(dispatcher.pk), args.capacity_step, idle
                )
            )
            total = len(idle)
            if failed:
                print(f"  {failed} connections could not be opened")
            time.sleep(1)
    finally:
        server.terminate()
        server.wait(10)
        log.close()


if __name__ == "__main__":
    main()
