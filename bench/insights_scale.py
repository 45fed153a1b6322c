"""Insights at city scale (issue 15's benchmark): a million calls on PostgreSQL.

    DATABASE_URL=postgres://... python bench/insights_scale.py [--calls 1000000] [--runs 7] [--burst 10000]
    (--database NAME: an existing database, kept afterwards: the demo is loaded into it if it is
    empty, multiplied if it holds fewer than --calls calls, then measured)

In its own database (test_<name>_insights, created and dropped, unless --database):
1. `load_demo`: the worked week and the archive of apps/demo/archive/ (some 18,000 calls over
   thirteen months, their rollups computed by rollups_rebuild), then the archive multiplied in SQL
   by bench/insights_data.py until the database holds --calls calls, each copy's rollup facts with
   it (a copy's facts are its original's with the copy's ids: rollups_rebuild's 5-8 ms a call in
   Python would take hours at a million). The copies land on the same days: a city with that many
   calls a year.
2. `days_refresh` over every day (the project's code summing the facts into daily and monthly
   rollups), then `releases_publish` (the beat's publish task: every month's suppression), timed.
3. The public summary (`GET /api/v1/public/summary/`): the last whole month and the default twelve
   months (stored releases) and six other months (composed from stored months), each with the
   cache cleared before every request (the worst reader) and cached; against it, the same counts
   (calls by month and by source, call type, priority and district) by a direct GROUP BY over the
   raw incidents.
4. A year of one breakdown through `apps.insights.selectors.measure_values`: calls by month, and
   received-to-on-scene p50/p90 by priority; against each, the direct GROUP BY (percentile_disc over
   the first team's stamps, minutes rounded up, as docs/insights.md defines them). Both must agree.
5. Rollup lag: --burst new calls through `incident_create` as fast as one process writes them,
   then `rollups_follow` (the beat task's body) until it has applied every event: the time from the
   last change to the rollups being current; then the publish task's run that follows.

Each timing is the median (and p95) of --runs runs in the same process; ratios are direct/rollups.
"""

import argparse
import math
import os
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as time_of_day
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from directory_data import percentile  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from insights_data import PREFIX, copy_archive  # noqa: E402

from apps.accounts.models import User  # noqa: E402
from apps.audit.context import access_context  # noqa: E402
from apps.incidents.models import CallType, Incident  # noqa: E402
from apps.incidents.services import incident_create  # noqa: E402
from apps.insights.models import CallFact, FollowUpFact, ReferralFact, RollupCursor, ScreeningFact  # noqa: E402
from apps.insights.selectors import measure_values  # noqa: E402
from apps.insights.services import CURSOR, days_refresh, releases_publish, rollups_follow  # noqa: E402
from apps.streams.models import Event  # noqa: E402
from apps.teams.selectors import shifts_overlapping  # noqa: E402

ZONE = settings.FIRSTLINE_PROGRAM_TIME_ZONE


def timed(fn, runs: int, *, before=None) -> list[float]:
    out = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def shown(label: str, ms: list[float]) -> str:
    return f"  {label:<44}: median {statistics.median(ms):8.1f} ms   p95 {percentile(ms, 95):8.1f} ms"


def direct_month_counts(start: date, end: date) -> list:
    """The summary's counts straight from incidents: calls by local month and each public breakdown."""
    rows = []
    with connection.cursor() as cursor:
        for column in ("source", "ct.code", "priority::text", "district"):
            cursor.execute(
                f"SELECT to_char(i.received_at AT TIME ZONE %s, 'YYYY-MM') AS month, {column}, count(*) "  # noqa: S608
                "FROM incidents_incident i LEFT JOIN incidents_calltype ct ON ct.id = i.call_type_id "
                "WHERE i.received_at >= %s AND i.received_at < %s GROUP BY 1, 2",
                [ZONE, *bounds(start, end)],
            )
            rows += cursor.fetchall()
    return rows


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The local days' first and last instants, as the rollups read them."""
    tz = ZoneInfo(ZONE)
    return datetime.combine(start, time_of_day.min, tzinfo=tz), datetime.combine(
        end + timedelta(days=1), time_of_day.min, tzinfo=tz
    )


def direct_calls_by_month(start: date, end: date) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_char(received_at AT TIME ZONE %s, 'YYYY-MM'), count(*) FROM incidents_incident "
            "WHERE received_at >= %s AND received_at < %s GROUP BY 1",
            [ZONE, *bounds(start, end)],
        )
        return dict(cursor.fetchall())


def direct_on_scene_by_priority(start: date, end: date) -> dict:
    """p50/p90 of received to the first team on scene, whole minutes rounded up, nearest rank."""
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH firsts AS (SELECT i.priority, ceil(extract(epoch FROM min(a.on_scene_at) - i.received_at) / 60) AS m "
            "FROM incidents_incident i JOIN incidents_assignment a ON a.incident_id = i.id "
            "WHERE i.received_at >= %s AND i.received_at < %s AND i.status <> 'cancelled' "
            "AND a.on_scene_at IS NOT NULL GROUP BY i.id, i.priority) "
            "SELECT priority::text, count(*), percentile_disc(0.5) WITHIN GROUP (ORDER BY m), "
            "percentile_disc(0.9) WITHIN GROUP (ORDER BY m) FROM firsts GROUP BY 1",
            [*bounds(start, end)],
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # progress shows as it happens, also into a file
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--burst", type=int, default=10_000)
    parser.add_argument("--database", help="an existing database to build in (if empty) and measure; kept")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only")
    if args.database:
        settings.DATABASES["default"]["NAME"] = args.database
        connection.close()
        connection.settings_dict["NAME"] = args.database
        call_command("migrate", verbosity=0)
        if Incident.objects.count() < args.calls:
            build(args, load=not Incident.objects.exists())
        measure(args)
        return
    test_settings = settings.DATABASES["default"].setdefault("TEST", {})
    test_settings["NAME"] = f"test_{settings.DATABASES['default']['NAME']}_insights"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        build(args)
        measure(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def build(args, *, load: bool = True) -> None:
    started = time.perf_counter()
    if load:
        with access_context(door="command"):
            call_command("load_demo", stdout=StringIO())
    print(f"load_demo: {Incident.objects.count()} calls in {time.perf_counter() - started:.0f} s")
    archived = Incident.objects.filter(external_id__startswith=PREFIX).count()
    copies = max(0, math.ceil((args.calls - Incident.objects.count()) / archived))
    done = Incident.objects.filter(external_id__startswith="bench").values("external_id").count() // archived
    started = time.perf_counter()
    for k in range(done + 1, done + copies + 1):
        with transaction.atomic():  # a run stopped midway leaves whole copies only
            copy_archive(k)
        if k % 5 == 0:
            print(f"  {k} copies, {Incident.objects.count()} calls, {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total = Incident.objects.count()
    print(
        f"multiplied to {total} calls ({copies} copies, their facts with them) in {time.perf_counter() - started:.0f} s"
    )
    print(f"  facts: {CallFact.objects.count()} calls, {ScreeningFact.objects.count()} screenings, "
          f"{ReferralFact.objects.count()} referrals, {FollowUpFact.objects.count()} follow-ups")  # fmt: skip
    started = time.perf_counter()
    days = set()
    for model in (CallFact, ScreeningFact, ReferralFact, FollowUpFact):
        days |= set(model.objects.values_list("day", flat=True).distinct())
    far = datetime(1970, 1, 1, tzinfo=ZoneInfo("UTC"))
    for _team, starts_at, _ends_at in shifts_overlapping(start=far, end=far.replace(year=9999)):
        days.add(timezone.localtime(starts_at, ZoneInfo(ZONE)).date())
    rows = days_refresh(days=days)
    print(f"days_refresh over {len(days)} days: {rows} rollup rows in {time.perf_counter() - started:.0f} s")


def measure(args) -> None:
    started = time.perf_counter()
    released = releases_publish()
    print(f"releases_publish (each month's suppression, two languages): {released} periods in "
          f"{time.perf_counter() - started:.0f} s")  # fmt: skip
    today = timezone.localdate()
    end = today.replace(day=1) - timedelta(days=1)
    start = (end.replace(day=1) - timedelta(days=335)).replace(day=1)
    in_year = Incident.objects.filter(received_at__range=bounds(start, end)).count()
    print(f"\nA year: {start} to {end}, {in_year} calls")

    ours = {r["group"]: r["count"] for r in measure_values("calls", start=start, end=end, by="month")}
    assert ours == direct_calls_by_month(start, end), "calls by month differ"
    a = timed(lambda: measure_values("calls", start=start, end=end, by="month"), args.runs)
    b = timed(lambda: direct_calls_by_month(start, end), args.runs)
    print(shown("measure_values calls by month", a))
    print(shown("direct GROUP BY calls by month", b))
    print(f"  ratio: {statistics.median(b) / statistics.median(a):.1f}x (same numbers: yes)")

    rows = measure_values("to_on_scene", start=start, end=end, by="priority")
    theirs = direct_on_scene_by_priority(start, end)
    same = all((r["count"], r["p50"], r["p90"]) == tuple(int(x) for x in theirs[r["group"]]) for r in rows)
    a = timed(lambda: measure_values("to_on_scene", start=start, end=end, by="priority"), args.runs)
    b = timed(lambda: direct_on_scene_by_priority(start, end), args.runs)
    print(shown("measure_values to_on_scene p50/p90 by priority", a))
    print(shown("direct percentile_disc by priority", b))
    print(f"  ratio: {statistics.median(b) / statistics.median(a):.1f}x (same numbers: {'yes' if same else 'NO'})")
    if not same:
        print("   ", [(r["group"], r["count"], r["p50"], r["p90"]) for r in rows], theirs)

    client = Client()
    month = f"/api/v1/public/summary/?from={end.replace(day=1)}&to={end}"
    public_reads(client, "one month (stored)", month, args.runs)
    direct = timed(lambda: direct_month_counts(end.replace(day=1), end), args.runs)
    print(shown("direct GROUP BY, one month (its counts only)", direct))

    while rollups_follow():
        pass
    calltaker = User.objects.get(username="calltaker")
    call_type = CallType.objects.get(code="welfare_check")
    started = time.perf_counter()
    with access_context(door="command"):
        for n in range(args.burst):
            incident_create(
                actor=calltaker,
                summary="Benchmark call",
                location_text=f"{n % 48 * 100 + 100} block of Market St, Downtown",
                call_type=call_type,
                district="Downtown",
                external_id=f"burst-{n}",
            )
    written = time.perf_counter()
    head = Event.objects.order_by("-pk").values_list("pk", flat=True).first()
    applied = 0
    while True:
        step = rollups_follow()
        applied += step
        if step == 0 and RollupCursor.objects.get(name=CURSOR).last_id >= head:
            break
    caught_up = time.perf_counter()
    today_calls = measure_values("calls", start=today, end=today)[0]["count"]
    print(f"\nburst: {args.burst} new calls through incident_create in {written - started:.0f} s "
          f"({args.burst / (written - started):.0f}/s, one process)")  # fmt: skip
    print(f"  rollups current {caught_up - written:.1f} s after the last change ({applied} events applied); "
          f"today's calls in the rollups: {today_calls}")  # fmt: skip
    started = time.perf_counter()
    released = releases_publish()
    print(f"  the publish run after the burst: {released} periods in {time.perf_counter() - started:.1f} s")
    public_reads(client, "twelve months (stored default)", "/api/v1/public/summary/", args.runs)
    six = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    six_end = (six.replace(day=28) + timedelta(days=31 * 5)).replace(day=1) - timedelta(days=1)
    public_reads(client, "six months (composed)", f"/api/v1/public/summary/?from={six}&to={six_end}", args.runs)
    direct = timed(lambda: direct_month_counts(start, end), args.runs)
    print(shown("direct GROUP BY, twelve months (its counts only)", direct))


def public_reads(client, label: str, url: str, runs: int) -> None:
    """The summary with the cache cleared before every request (each reader the first), then cached."""
    answer = client.get(url)
    assert answer.status_code == 200 and answer.json()["pending"] == [], (url, answer.status_code)
    cold = timed(lambda: client.get(url), runs * 5, before=cache.clear)
    warm = timed(lambda: client.get(url), runs * 5)
    print(shown(f"public summary, {label}, cache cleared", cold))
    print(shown(f"public summary, {label}, cached", warm))


if __name__ == "__main__":
    main()
