"""The simulated clients of bench/reconnect_storm.py: tablets and the board's probe.

Imported after django.setup(); every wait has a deadline.
"""

import asyncio
import json
import random
import threading
import time
import uuid

import requests
from django.db import connections, transaction
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidHandshake

PASSWORD = "bench-password-1"


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))]


def stream_head(stream: str) -> int:
    from apps.streams.models import StreamCounter

    row = StreamCounter.objects.filter(stream=stream).first()
    return row.last_seq if row else 0


class Tablet:
    """A responder's tablet: its team, call, enrolled device and a signed-in HTTP session."""

    def __init__(self, index: int, dispatcher, base: str):
        from datetime import timedelta

        from django.utils import timezone

        from apps.accounts.models import Device, User
        from apps.accounts.services import device_enroll, enrollment_code_normalize, secret_digest
        from apps.incidents import services
        from apps.streams.names import team_stream, user_stream
        from apps.teams.models import Membership, Team

        tag = uuid.uuid4().hex[:6]
        self.base = base
        self.team = Team.objects.create(call_sign=f"S{index}-{tag}", status="available")
        self.user = User.objects.create_user(username=f"storm-{index}-{tag}", password=PASSWORD, role="responder")
        Membership.objects.create(team=self.team, user=self.user)
        self.device = Device.objects.create(name=f"Storm tablet {index}", team=self.team)
        code = f"STORM{index:03d}{tag[:4]}"
        Device.objects.filter(pk=self.device.pk).update(
            enrollment_code_digest=secret_digest(enrollment_code_normalize(code)),
            enrollment_expires_at=timezone.now() + timedelta(hours=1),
        )
        _device, device_key = device_enroll(enrollment_code=code)
        self.incident = services.incident_create(actor=dispatcher, summary="Storm call", location_text="1 Storm St")
        self.assignment = services.incident_assign(actor=dispatcher, incident_id=self.incident.pk, team_id=self.team.pk)
        self.team_stream, self.user_stream = team_stream(self.team.pk), user_stream(self.user.pk)
        self.http = requests.Session()
        answer = self.http.post(
            f"{base}/api/v1/auth/login/",
            json={
                "username": self.user.username,
                "password": PASSWORD,
                "device": str(self.device.pk),
                "device_key": device_key,
            },
            timeout=60,
        )
        assert answer.status_code == 200, answer.text[:300]
        self.http.headers["X-CSRFToken"] = self.http.cookies["csrftoken"]
        self.http.headers["Referer"] = base + "/field/"
        self.cursors: dict[str, int] = {}
        self.outbox: list[dict] = []
        self.notes_expected = 0

    def queue(self, count: int) -> None:
        """An outbox as a shift leaves it: a quarter new encounters, the rest notes on them."""
        self.outbox, encounter = [], None
        for i in range(count):
            if i % 4 == 0:
                encounter = str(uuid.uuid4())
                data = {
                    "incident": self.incident.pk,
                    "assignment": self.assignment.pk,
                    "disposition": "resolved_on_scene",
                    "needs": ["food"],
                    "narrative": "Storm.",
                }
                self.outbox.append(
                    {
                        "id": str(uuid.uuid4()),
                        "type": "encounter.create",
                        "record": encounter,
                        "base_version": None,
                        "data": data,
                    }
                )
            else:
                self.outbox.append(
                    {
                        "id": str(uuid.uuid4()),
                        "type": "encounter.note",
                        "record": encounter,
                        "base_version": None,
                        "data": {"text": f"storm note {i}"},
                    }
                )
                self.notes_expected += 1

    def drain(self, deadline: float) -> tuple[int, int]:
        """POST the outbox until every mutation is applied (or a duplicate); returns (requests, 5xx)."""
        sent = fivexx = 0
        waiting = list(self.outbox)
        delay = 0.2
        while waiting:
            if time.monotonic() > deadline:
                raise RuntimeError(f"tablet {self.device.pk}: outbox not drained in time")
            sent += 1
            try:
                answer = self.http.post(
                    f"{self.base}/api/v1/field/sync/",
                    json={"device": str(self.device.pk), "mutations": waiting},
                    timeout=120,
                )
            except requests.RequestException:
                time.sleep(delay)
                delay = min(delay * 2, 5)
                continue
            if answer.status_code >= 500:
                fivexx += 1
                time.sleep(delay)
                delay = min(delay * 2, 5)
                continue
            assert answer.status_code == 200, answer.text[:300]
            results = answer.json()["results"]
            bad = [r for r in results if r["status"] not in ("applied", "duplicate")]
            assert all(r["http_status"] == 503 for r in bad), bad[:3]  # only "try again" may stay queued
            keep = {r["id"] for r in bad}
            waiting = [m for m in waiting if m["id"] in keep]
        answer = self.http.get(f"{self.base}/api/v1/field/bootstrap/?device={self.device.pk}", timeout=120)
        if answer.status_code >= 500:
            fivexx += 1
        assert answer.status_code == 200, answer.text[:300]
        return sent + 1, fivexx

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())


async def open_stream(tablet: Tablet, port: int, deadline: float) -> tuple:
    """The websocket, retried as the field app retries it (backoff with jitter) when a busy server
    refuses or drops the handshake (daphne closes one the application has not accepted in 5 s)."""
    refused, delay = [], 0.5
    while True:
        try:
            ws = await connect(
                f"ws://127.0.0.1:{port}/ws/v1/stream/",
                origin=f"http://127.0.0.1:{port}",
                additional_headers={"Cookie": tablet.cookie_header()},
                open_timeout=30,
                max_size=None,
            )
            return ws, refused
        except (OSError, TimeoutError, InvalidHandshake) as error:
            status = getattr(getattr(error, "response", None), "status_code", None)
            refused.append(f"{type(error).__name__}{f' {status}' if status else ''}")
            if time.monotonic() + delay > deadline:
                raise
            await asyncio.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 8)


async def reconnect(tablet: Tablet, port: int, started: float, deadline: float) -> dict:
    """One tablet's return: stream replay and outbox drain side by side, as the app does them."""
    seen: dict[str, list[int]] = {tablet.team_stream: [], tablet.user_stream: []}
    drain = asyncio.get_running_loop().run_in_executor(None, tablet.drain, deadline)
    ws, refused = await open_stream(tablet, port, deadline)
    async with ws:
        await ws.send(json.dumps({"type": "hello", "cursors": tablet.cursors, "device": str(tablet.device.pk)}))
        heads = None
        replayed_at = None
        while replayed_at is None:
            message = json.loads(await asyncio.wait_for(ws.recv(), timeout=max(1, deadline - time.monotonic())))
            if message["type"] == "welcome":
                heads = message["streams"]
            elif message["type"] == "event":
                seen[message["stream"]].append(message["seq"])
            elif message["type"] == "resync":
                raise RuntimeError(f"unexpected resync: {message}")
            if heads is not None and all((seen[s][-1] if seen[s] else tablet.cursors[s]) >= heads[s] for s in heads):
                replayed_at = time.perf_counter()
        await ws.send(json.dumps({"type": "ack", "stream": tablet.team_stream, "seq": heads[tablet.team_stream]}))
        requests_sent, fivexx = await drain
        drained_at = time.perf_counter()
        # Stay connected until the storm's own events (this tablet's and its neighbours') have all arrived.
        while True:
            final = await asyncio.get_running_loop().run_in_executor(None, tablet_final_head, tablet)
            if (seen[tablet.team_stream] or [tablet.cursors[tablet.team_stream]])[-1] >= final:
                break
            try:
                message = json.loads(await asyncio.wait_for(ws.recv(), timeout=2))
            except TimeoutError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"tablet {tablet.device.pk}: team stream never reached {final}") from None
                continue
            if message["type"] == "event":
                seen[message["stream"]].append(message["seq"])
    first = tablet.cursors[tablet.team_stream]
    expected = list(range(first + 1, final + 1))
    return {
        "live": max(replayed_at, drained_at) - started,
        "replayed": replayed_at - started,
        "requests": requests_sent,
        "5xx": fivexx,
        "refused": len(refused),
        "refusals": refused,
        "in_order": seen[tablet.team_stream] == expected,
        "last": final,
    }


def tablet_final_head(tablet: Tablet) -> int:
    try:
        return stream_head(tablet.team_stream)
    finally:
        connections.close_all()


class BoardProbe:
    """Commits a board event every 200 ms and times it to the dispatcher's websocket."""

    def __init__(self, incident_id: int):
        self.incident_id = incident_id
        self.committed: dict[int, float] = {}
        self.received: dict[int, float] = {}
        self.phase: dict[int, str] = {}
        self.current = "rest"
        self.stop = threading.Event()

    def commit_loop(self) -> None:
        from apps.incidents.models import Incident
        from apps.incidents.services.shared import _incident_event_data
        from apps.streams.services import stream_append

        data = _incident_event_data(Incident.objects.get(pk=self.incident_id))
        try:
            while not self.stop.wait(0.2):
                box = {}
                with transaction.atomic():
                    transaction.on_commit(lambda box=box: box.setdefault("at", time.perf_counter()))
                    event = stream_append(stream="board", kind="incident.updated", data=data)
                self.committed[event.seq] = box["at"]
                self.phase[event.seq] = self.current
        finally:
            connections.close_all()

    async def listen(self, port: int, cookies: str, ready: asyncio.Event, until: asyncio.Event) -> None:
        async with connect(
            f"ws://127.0.0.1:{port}/ws/v1/stream/",
            origin=f"http://127.0.0.1:{port}",
            additional_headers={"Cookie": cookies},
            max_size=None,
        ) as ws:
            await ws.send(json.dumps({"type": "hello", "cursors": {"board": None}}))
            while not until.is_set():
                try:
                    message = json.loads(await asyncio.wait_for(ws.recv(), timeout=0.5))
                except TimeoutError:
                    continue
                if message["type"] == "welcome":
                    ready.set()
                elif message["type"] == "event" and message["stream"] == "board":
                    self.received[message["seq"]] = time.perf_counter()

    def latencies(self, phase: str) -> list[float]:
        return [
            (self.received[seq] - at) * 1000
            for seq, at in self.committed.items()
            if self.phase.get(seq) == phase and seq in self.received
        ]

    def lost(self) -> int:
        return sum(1 for seq in self.committed if seq not in self.received)
