"""Reminder lateness: how long after its due time a follow-up's reminder is delivered, against the sweep interval.

    DATABASE_URL=postgres://... REDIS_URL=redis://... python bench/reminders_lateness.py [--count 10000]

For each sweep interval S (default 30 s and 5 s) it writes COUNT follow-ups falling due uniformly
within WINDOW seconds, starts ONE real Celery worker with beat (concurrency 1) sweeping every S
seconds, waits until every reminder is delivered, and reports lateness (event time minus due
time) p50/p99/max, the ratio of p50 and p99 to S (the baseline: a sweep every S seconds should give
p50 about S/2 and p99 about S), the worker's throughput, and duplicates (events per follow-up
beyond one; must be 0). It uses its own database (test_<name>, kept between runs) so it never
touches real data. With --runs > 1 it prints medians over the runs.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402


def database_url() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def reset() -> None:
    from apps.followups.models import FollowUp, Reminder
    from apps.streams.models import Event, StreamCounter

    Reminder.objects.all().delete()
    FollowUp.objects.all().delete()
    Event.objects.all().delete()
    StreamCounter.objects.all().delete()


def seed(*, count: int, window: float, lead: float, teams: int):
    from apps.followups.models import FollowUp
    from apps.teams.models import Team

    team_ids = [Team.objects.get_or_create(call_sign=f"BENCH-{i}")[0].pk for i in range(teams)]
    start = timezone.now() + timedelta(seconds=lead)
    rng = random.Random(7)
    rows = [
        FollowUp(
            kind="check_in_call",
            team_id=team_ids[i % teams],
            due_at=start + timedelta(seconds=rng.uniform(0, window)),
            escalate_at=start + timedelta(days=1),
        )
        for i in range(count)
    ]
    FollowUp.objects.bulk_create(rows, batch_size=2000)
    return start + timedelta(seconds=window)


def start_worker(sweep: int, log):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"],
        "DATABASE_URL": database_url(),
        "FIRSTLINE_SWEEP_SECONDS": str(sweep),
        "PYTHONPATH": str(ROOT),
    }
    args = [sys.executable, "-m", "celery", "-A", "config", "worker", "--beat", "--concurrency=1", "--pool=prefork"]
    args += ["--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    args += ["--schedule", str(ROOT / "var" / f"bench-beat-{os.getpid()}")]
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def stop_worker(process) -> None:
    import signal

    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def one_run(*, count: int, window: float, sweep: int, teams: int, lead: float) -> dict:
    from apps.followups.models import FollowUp, Reminder
    from apps.streams.models import Event

    reset()
    last_due = seed(count=count, window=window, lead=lead, teams=teams)
    (ROOT / "var").mkdir(exist_ok=True)
    with open(ROOT / "var" / "bench-reminders-worker.log", "ab") as log:
        worker = start_worker(sweep, log)
        try:
            deadline = time.monotonic() + lead + window + sweep + 240
            while time.monotonic() < deadline:
                done = Reminder.objects.filter(kind="due").count()
                if done >= count and timezone.now() > last_due:
                    break
                time.sleep(1)
            time.sleep(min(sweep, 5) + 1)  # a few more sweeps, to catch any duplicate
        finally:
            stop_worker(worker)
    rows = list(
        Reminder.objects.filter(kind="due").select_related("followup").values_list("created_at", "followup__due_at")
    )
    lateness = [(created - due).total_seconds() for created, due in rows]
    events = Event.objects.filter(kind="followup.due")
    per = events.values("data__followup").annotate(n=Count("id"))
    duplicates = sum(row["n"] - 1 for row in per)
    first = min(created for created, _ in rows)
    last = max(created for created, _ in rows)
    return {
        "delivered": len(rows),
        "undelivered": FollowUp.objects.filter(status="open").count(),
        "events": events.count(),
        "duplicates": duplicates,
        "early": sum(1 for value in lateness if value < 0),
        "p50": percentile(lateness, 50),
        "p99": percentile(lateness, 99),
        "max": max(lateness),
        "throughput": len(rows) / max((last - first).total_seconds(), 0.001),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--window", type=float, default=60.0, help="seconds over which the follow-ups fall due")
    parser.add_argument("--intervals", default="30,5", help="sweep intervals in seconds, comma separated")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--teams", type=int, default=20, help="streams the reminders spread over")
    parser.add_argument("--lead", type=float, default=8.0, help="seconds before the first one falls due")
    options = parser.parse_args()
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql") or not settings.REDIS_URL:
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the bench runs a real worker.")
    base = settings.DATABASES["default"]["NAME"]
    settings.DATABASES["default"]["TEST"].update({"NAME": f"bench_{base}"})
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True)
    print(
        f"{options.count} follow-ups due within {options.window:.0f} s, one worker (concurrency 1), db {database_url()}"
    )
    columns = [("sweep", 6), ("p50 s", 7), ("p99 s", 7), ("max s", 7), ("p50/S", 6), ("p99/S", 6), ("rem/s", 7)]
    columns += [("dups", 5), ("early", 5)]
    print(" ".join(f"{name:>{width}}" for name, width in columns))
    for sweep in [int(value) for value in options.intervals.split(",") if value.strip()]:
        runs = [
            one_run(
                count=options.count,
                window=options.window,
                sweep=sweep,
                teams=options.teams,
                # Beat's first sweep comes one interval after it starts: start early enough to be in step.
                lead=max(options.lead, sweep + 3),
            )
            for _ in range(options.runs)
        ]
        med = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        print(
            f"{sweep:>6} {med['p50']:>7.2f} {med['p99']:>7.2f} {med['max']:>7.2f} {med['p50'] / sweep:>6.2f} "
            f"{med['p99'] / sweep:>6.2f} {med['throughput']:>7.0f} {sum(r['duplicates'] for r in runs):>5} "
            f"{sum(r['early'] for r in runs):>5}"
            + (f"  UNDELIVERED {med['undelivered']}" if med["undelivered"] else "")
        )
    print("p50/S and p99/S: lateness as a fraction of the sweep interval (the baseline). dups must be 0.")


if __name__ == "__main__":
    main()
