"""Reconnect storm: many tablets come back at once after a city-wide outage.

    DATABASE_URL=postgres://... REDIS_URL=redis://... python bench/reconnect_storm.py
        [--tablets 100] [--outbox 50] [--missed 200] [--runs 3] [--daphnes 2]

Loopback only, bounded in time (every wait has a deadline). It creates its own database
(bench_storm_<name>) and starts, against it and REDIS_URL, `--daphnes` daphne processes and a Celery
worker with beat (tests/servers.py), as a small production would run.

World: TABLETS teams, each with one responder signed in on its own enrolled tablet (through the real
enrollment and sign-in doors) and one assigned call; a dispatcher follows the `board` stream.

Each run:
1. Outage: no tablet is connected. Each team stream gets MISSED events (real `team.status` data,
   appended through the stream service), and each tablet queues OUTBOX mutations (a quarter
   new encounters, the rest notes on them, as a shift's outbox looks).
2. Storm: every tablet reconnects at the same moment, as the field app does: the stream hello with its
   cursors (replaying what it missed), its outbox drained through `POST /api/v1/field/sync/` (retried
   on 5xx or a dropped connection, as the app's outbox does), then one bootstrap. Tablets alternate
   between the daphne processes. A tablet is "back live" when it has the stream replayed up to the
   head it was welcomed with, its outbox applied and its bootstrap fetched.
3. Meanwhile the board's own event latency is measured: a board event is committed every 200 ms and
   timed from commit to receipt by the dispatcher's websocket, before the storm (at rest) and during it.
4. Checks: every mutation applied exactly once (AppliedMutation and EncounterNote counts), every
   tablet received every seq of its team stream once and in order up to the final head (its own
   storm's events included), no 5xx answers.

It prints per-run and median figures: time until all tablets are live, per-tablet p50/p95, board
latency p50/p95 at rest and during the storm, and the load average.
"""

import argparse
import asyncio
import collections
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

import requests  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.storm_clients import PASSWORD, BoardProbe, Tablet, percentile, reconnect, stream_head  # noqa: E402


async def storm(tablets, ports, board_port, probe, board_cookies, rest_seconds, deadline) -> list[dict]:
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=len(tablets) * 2 + 8))
    ready, until = asyncio.Event(), asyncio.Event()
    listener = asyncio.create_task(probe.listen(board_port, board_cookies, ready, until))
    await asyncio.wait_for(ready.wait(), timeout=60)
    committer = threading.Thread(target=probe.commit_loop, daemon=True)
    committer.start()
    await asyncio.sleep(rest_seconds)
    probe.current = "storm"
    started = time.perf_counter()
    results = await asyncio.gather(
        *(reconnect(t, ports[i % len(ports)], started, deadline) for i, t in enumerate(tablets))
    )
    probe.current = "after"
    probe.stop.set()
    committer.join(timeout=10)
    await asyncio.sleep(1)
    until.set()
    await listener
    return results


def outage(tablets, missed: int, outbox: int) -> None:
    """While the tablets are away: MISSED events on each team stream, OUTBOX changes queued on each tablet.

    The missed events are `team.status` events of the team's real data, appended through the stream
    service (one counter update per team): what the storm replays, not how dispatch produced them.
    """
    from apps.streams.services import stream_append_many
    from apps.teams.services import team_event_data

    for tablet in tablets:
        tablet.cursors = {
            tablet.team_stream: stream_head(tablet.team_stream),
            tablet.user_stream: stream_head(tablet.user_stream),
        }
        tablet.team.refresh_from_db()
        with transaction.atomic():
            stream_append_many(
                stream=tablet.team_stream, kind="team.status", datas=[team_event_data(tablet.team)] * missed
            )
        tablet.notes_expected = 0
        tablet.queue(outbox)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tablets", type=int, default=100)
    parser.add_argument("--outbox", type=int, default=50)
    parser.add_argument("--missed", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--daphnes", type=int, default=2)
    parser.add_argument(
        "--pool", type=int, default=20, help="FIRSTLINE_DB_POOL_SIZE of each server process (0: no pool)"
    )
    parser.add_argument(
        "--board-daphne",
        action="store_true",
        help="serve the board from a daphne of its own, as a deploy routing dispatch to its own process would",
    )
    parser.add_argument(
        "--ws-timeout",
        type=int,
        default=30,
        help="daphne's --websocket_connect_timeout, 30 as deploy/ runs it (0: daphne's default, 5 s)",
    )
    parser.add_argument("--rest-seconds", type=float, default=5.0)
    parser.add_argument("--time-limit", type=float, default=600.0, help="seconds one storm may take at most")
    args = parser.parse_args()

    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        sys.exit("Run against PostgreSQL and Redis: set DATABASE_URL and REDIS_URL.")
    from tests.servers import AsgiServer, CeleryWorker

    (ROOT / "var").mkdir(exist_ok=True)
    setup_test_environment()
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_storm_{connection.settings_dict['NAME']}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    servers, board_server, worker = [], None, None
    try:
        pool = {"FIRSTLINE_DB_POOL_SIZE": str(args.pool)}
        daphne_args = ["--websocket_connect_timeout", str(args.ws_timeout)] if args.ws_timeout else []
        servers = [AsgiServer(extra_env=pool, extra_args=daphne_args).start() for _ in range(args.daphnes)]
        board_server = AsgiServer(extra_env=pool).start() if args.board_daphne else servers[0]
        worker = CeleryWorker(beat=True).start()
        from apps.accounts.models import User
        from apps.field.models import AppliedMutation
        from apps.incidents.models import EncounterNote

        dispatcher = User.objects.create_user(username="storm-dispatcher", password=PASSWORD, role="dispatcher")
        print(f"setting up {args.tablets} tablets (enrolment and sign-in through the real doors)...", flush=True)
        tablets = [Tablet(i, dispatcher, servers[i % len(servers)].url) for i in range(args.tablets)]
        board = requests.Session()
        answer = board.post(
            f"{board_server.url}/api/v1/auth/login/",
            json={"username": "storm-dispatcher", "password": PASSWORD},
            timeout=60,
        )
        assert answer.status_code == 200, answer.text[:300]
        board_cookies = "; ".join(f"{k}={v}" for k, v in board.cookies.items())
        ports = [s.port for s in servers]

        runs = []
        for run in range(args.runs):
            outage(tablets, args.missed, args.outbox)
            connections.close_all()
            probe = BoardProbe(tablets[0].incident.pk)
            deadline = time.monotonic() + args.time_limit
            results = asyncio.run(
                storm(tablets, ports, board_server.port, probe, board_cookies, args.rest_seconds, deadline)
            )
            ids = [m["id"] for t in tablets for m in t.outbox]
            applied = AppliedMutation.objects.filter(pk__in=ids).count()
            # Notes are encrypted at rest, so they are counted, not read: every run adds exactly its own.
            notes = EncounterNote.objects.filter(encounter__team__in=[t.team for t in tablets]).count()
            expected_notes = sum(t.notes_expected for t in tablets) * (run + 1)
            lives = [r["live"] for r in results]
            rest, during = probe.latencies("rest"), probe.latencies("storm")
            figures = {
                "all_live": max(lives),
                "p50": statistics.median(lives),
                "p95": percentile(lives, 95),
                "replay_p50": statistics.median(r["replayed"] for r in results),
                "board_rest_p50": statistics.median(rest),
                "board_rest_p95": percentile(rest, 95),
                "board_storm_p50": statistics.median(during) if during else float("nan"),
                "board_storm_p95": percentile(during, 95) if during else float("nan"),
                "board_events": len(during),
                "board_lost": probe.lost(),
                "5xx": sum(r["5xx"] for r in results),
                "refused": sum(r["refused"] for r in results),
                "refusals": collections.Counter(why for r in results for why in r["refusals"]),
                "requests": sum(r["requests"] for r in results),
                "in_order": sum(r["in_order"] for r in results),
                "applied": applied,
                "mutations": len(ids),
                "notes_ok": notes == expected_notes,
                "load": os.getloadavg()[0],
            }
            runs.append(figures)
            print(
                f"run {run + 1}: all {len(tablets)} live in {figures['all_live']:.1f} s "
                f"(per tablet p50 {figures['p50']:.1f} s, p95 {figures['p95']:.1f} s; replay p50 "
                f"{figures['replay_p50']:.1f} s); board p50/p95 at rest {figures['board_rest_p50']:.0f}/"
                f"{figures['board_rest_p95']:.0f} ms, in the storm {figures['board_storm_p50']:.0f}/"
                f"{figures['board_storm_p95']:.0f} ms over {figures['board_events']} events, "
                f"{figures['board_lost']} lost; 5xx {figures['5xx']} of {figures['requests']} requests, "
                f"{figures['refused']} websocket handshakes retried {dict(figures['refusals'])}; "
                f"applied {applied}/{len(ids)}, notes exact {figures['notes_ok']}, streams in order "
                f"{figures['in_order']}/{len(tablets)}; load {figures['load']:.1f}",
                flush=True,
            )
            assert applied == len(ids), f"{len(ids) - applied} mutations were lost"
            assert figures["notes_ok"], f"notes written {notes}, queued {expected_notes}: lost or applied twice"
            assert figures["in_order"] == len(tablets), "a tablet missed or repeated an event"
        print(
            f"\nPostgreSQL + Redis, {args.daphnes} daphnes (database pool {args.pool} each)"
            f"{', the board on a daphne of its own' if args.board_daphne else ''}, worker + beat; "
            f"{args.tablets} tablets x {args.outbox} queued mutations, {args.missed} missed events each; "
            f"medians of {args.runs} runs"
        )
        for key in (
            "all_live",
            "p50",
            "p95",
            "replay_p50",
            "board_rest_p50",
            "board_rest_p95",
            "board_storm_p50",
            "board_storm_p95",
            "5xx",
            "refused",
            "load",
        ):
            print(f"  {key:16} {statistics.median(r[key] for r in runs):10.1f}")
    finally:
        if worker is not None:
            worker.stop()
        for server in [*servers, *([board_server] if board_server not in (None, *servers) else [])]:
            server.stop()
        connections.close_all()
        time.sleep(2)  # the worker's pool children let go of the database
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
