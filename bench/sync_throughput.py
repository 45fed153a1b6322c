"""Sync throughput: how fast POST /api/v1/field/sync/ applies mutations, against plain ORM INSERTs.

    DATABASE_URL=postgres://... REDIS_URL=redis://... python bench/sync_throughput.py [--batch 1000]
        [--tablets 20] [--per-tablet 50] [--runs 3]

Two scenarios, each measured against a baseline in the same run:
1. one tablet sends a batch of BATCH queued mutations (a quarter encounter.create, the rest
   encounter.note on those encounters) in one request; baseline: BATCH plain
   `EncounterNote.objects.create()` calls, each in its own autocommit transaction;
2. TABLETS tablets (threads, each with its own session, device, team and call) each send
   PER_TABLET mutations at the same moment; baseline: TABLETS threads doing PER_TABLET plain
   INSERTs each.
Requests go through the real Django stack in-process (middleware, session auth, CSRF, JSON), each
mutation through the domain services with its audit row, events and AppliedMutation row (since
issue 20 a batch is one transaction, a savepoint per mutation, those rows written in bulk). It prints
mutations/s and the batch time (median, p95) for both and the ratios. It creates and drops its own
database (bench_sync_<name>), so it never touches real data.
"""

import argparse
import os
import statistics
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

from apps.common.startup import process_ready  # noqa: E402

process_ready()  # as config/asgi.py does in a served process

from django.db import connection, connections  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Tablet:
    """One responder on one team with one call, signed in on one registered device."""

    def __init__(self, index: int, dispatcher):
        from rest_framework.test import APIClient

        from apps.accounts.models import Device, User
        from apps.incidents import services
        from apps.teams.models import Membership, Team

        tag = uuid.uuid4().hex[:6]
        self.team = Team.objects.create(call_sign=f"B{index}-{tag}", status="available")
        self.user = User.objects.create_user(
            username=f"bench-{index}-{tag}", password="bench-password-1", role="responder"
        )
        Membership.objects.create(team=self.team, user=self.user)
        self.device = Device.objects.create(name=f"Bench tablet {index}", team=self.team)
        # Enrolled through the real exchange, as a tablet is: a one-time code for its key.
        from datetime import timedelta

        from django.utils import timezone

        from apps.accounts.services import device_enroll, enrollment_code_normalize, secret_digest

        code = f"BENCH{index:03d}{tag[:4]}"
        Device.objects.filter(pk=self.device.pk).update(
            enrollment_code_digest=secret_digest(enrollment_code_normalize(code)),
            enrollment_expires_at=timezone.now() + timedelta(hours=1),
        )
        _device, device_key = device_enroll(enrollment_code=code)
        incident = services.incident_create(actor=dispatcher, summary="Bench call", location_text="1 Bench St")
        self.assignment = services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=self.team.pk)
        self.incident = incident
        self.client = APIClient(enforce_csrf_checks=True)
        answer = self.client.post(
            "/api/v1/auth/login/",
            {
                "username": self.user.username,
                "password": "bench-password-1",
                "device": str(self.device.pk),
                "device_key": device_key,
            },
            format="json",
        )
        assert answer.status_code == 200, answer.content
        self.client.credentials(HTTP_X_CSRFTOKEN=self.client.cookies["csrftoken"].value)

    def mutations(self, count: int) -> list[dict]:
        """A quarter new encounters, each followed by notes on it: what a shift's outbox looks like."""
        out = []
        encounter = None
        for i in range(count):
            if i % 4 == 0:
                encounter = str(uuid.uuid4())
                out.append(
                    {
                        "id": str(uuid.uuid4()),
                        "type": "encounter.create",
                        "record": encounter,
                        "base_version": None,
                        "data": {
                            "incident": self.incident.pk,
                            "assignment": self.assignment.pk,
                            "disposition": "resolved_on_scene",
                            "needs": ["food"],
                            "narrative": "Bench.",
                        },
                    }
                )
            else:
                out.append(
                    {
                        "id": str(uuid.uuid4()),
                        "type": "encounter.note",
                        "record": encounter,
                        "base_version": None,
                        "data": {"text": f"note {i}"},
                    }
                )
        return out

    def send(self, mutations: list[dict]) -> float:
        started = time.perf_counter()
        answer = self.client.post(
            "/api/v1/field/sync/", {"device": str(self.device.pk), "mutations": mutations}, format="json"
        )
        elapsed = time.perf_counter() - started
        assert answer.status_code == 200, answer.content[:300]
        statuses = {r["status"] for r in answer.json()["results"]}
        assert statuses == {"applied"}, statuses
        return elapsed

    def plain_inserts(self, count: int) -> float:
        """The baseline: the same number of rows written by the ORM with no rules around them."""
        from apps.incidents.models import Encounter, EncounterNote

        encounter = Encounter.objects.filter(team=self.team).first()
        started = time.perf_counter()
        for i in range(count):
            EncounterNote.objects.create(encounter=encounter, author=self.user, text=f"plain {i}")
        return time.perf_counter() - started


def in_parallel(tablets: list[Tablet], work) -> list[float]:
    """Start every tablet at once (a barrier) and return each one's elapsed time."""
    barrier = threading.Barrier(len(tablets))
    times = [0.0] * len(tablets)

    def run(i, tablet):
        try:
            barrier.wait()
            times[i] = work(tablet)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(tablets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--tablets", type=int, default=20)
    parser.add_argument("--per-tablet", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: set DATABASE_URL.")
    setup_test_environment()
    # Its own database, so a test run on the same DATABASE_URL is never disturbed.
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_sync_{connection.settings_dict['NAME']}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from django.conf import settings

        settings.FIRSTLINE_SYNC_MAX_BATCH = max(1000, args.batch)
        from apps.accounts.models import User

        dispatcher = User.objects.create_user(
            username="bench-dispatcher", password="bench-password-1", role="dispatcher"
        )
        tablets = [Tablet(i, dispatcher) for i in range(max(1, args.tablets))]
        one = tablets[0]
        one.send(one.mutations(8))  # warm up: imports, first events of each stream, an encounter to note on
        for tablet in tablets[1:]:
            tablet.send(tablet.mutations(4))

        single_sync, single_plain = [], []
        many_sync, many_plain, many_sync_wall, many_plain_wall = [], [], [], []
        for _ in range(args.runs):
            single_sync.append(one.send(one.mutations(args.batch)))
            single_plain.append(one.plain_inserts(args.batch))
            started = time.perf_counter()
            many_sync += in_parallel(tablets, lambda t: t.send(t.mutations(args.per_tablet)))
            many_sync_wall.append(time.perf_counter() - started)
            started = time.perf_counter()
            many_plain += in_parallel(tablets, lambda t: t.plain_inserts(args.per_tablet))
            many_plain_wall.append(time.perf_counter() - started)

        total = len(tablets) * args.per_tablet
        s_sync, s_plain = statistics.median(single_sync), statistics.median(single_plain)
        w_sync, w_plain = statistics.median(many_sync_wall), statistics.median(many_plain_wall)
        print(f"PostgreSQL, {args.runs} runs, medians; in-process HTTP through the full Django stack\n")
        print(f"1) one tablet, batch of {args.batch} mutations")
        print(
            f"   sync:  {args.batch / s_sync:8.0f} mutations/s   batch time median {s_sync:6.2f} s  "
            f"p95 {percentile(single_sync, 95):6.2f} s"
        )
        print(
            f"   plain: {args.batch / s_plain:8.0f} INSERTs/s     time median {s_plain:6.2f} s  "
            f"p95 {percentile(single_plain, 95):6.2f} s"
        )
        print(f"   ratio: sync takes {s_sync / s_plain:.1f}x the plain INSERTs")
        print(f"\n2) {len(tablets)} tablets at once, {args.per_tablet} mutations each ({total} per round)")
        print(
            f"   sync:  {total / w_sync:8.0f} mutations/s   batch time median {statistics.median(many_sync):6.2f} s  "
            f"p95 {percentile(many_sync, 95):6.2f} s"
        )
        print(
            f"   plain: {total / w_plain:8.0f} INSERTs/s     per-thread median {statistics.median(many_plain):6.2f} s  "
            f"p95 {percentile(many_plain, 95):6.2f} s"
        )
        print(
            f"   ratio: sync round takes {w_sync / w_plain:.1f}x the plain INSERTs; "
            f"p95 batch {percentile(many_sync, 95) / percentile(many_plain, 95):.1f}x"
        )
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
