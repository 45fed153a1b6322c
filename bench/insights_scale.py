"""Insights at city scale (issue 15's benchmark): a million calls on PostgreSQL.

    DATABASE_URL=postgres://... python bench/insights_scale.py [--calls 1000000] [--runs 7] [--burst 10000]
    (--reuse measures the database a killed run left, skipping 1 and 2)

In its own database (test_<name>_insights, created and dropped):
1. `load_demo`: the worked week and the archive of apps/demo/archive/ (some 19,000 calls over
   thirteen months, the generator's own rows), then the archive multiplied in SQL (INSERT ... SELECT,
   one copy per pass, each copy with its own ids, external ids and callback digests) until the
   database holds --calls calls: incidents, assignments, encounters and their versions, screening
   decisions, co-responses, referrals with their steps and follow-ups (what the rollups read; the
   timelines are not copied). The copies land on the same days: a city with that many calls a year.
2. `rollups_rebuild()`, timed.
3. The public summary (`GET /api/v1/public/summary/`) for the last whole month, then (after the
   burst) for the last twelve whole months: once with the cache cleared, then cached; against it,
   the same counts (calls by month and by source, call type, priority and district) by a direct
   GROUP BY over the raw incidents.
4. A year of one breakdown through `apps.insights.selectors.measure_values`: calls by month, and
   received-to-on-scene p50/p90 by priority; against each, the direct GROUP BY (percentile_disc over
   the first team's stamps, minutes rounded up, as docs/insights.md defines them). Both must agree.
5. Rollup lag: --burst new calls through `incident_create` as fast as one process writes them,
   then `rollups_follow` (the beat task's body) until it has applied every event: the time from the
   last change to the rollups being current.

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
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.accounts.models import User  # noqa: E402
from apps.audit.context import access_context  # noqa: E402
from apps.demo.archive import PREFIX  # noqa: E402
from apps.incidents.models import CallType, Incident  # noqa: E402
from apps.incidents.services import incident_create  # noqa: E402
from apps.insights.models import RollupCursor  # noqa: E402
from apps.insights.selectors import measure_values  # noqa: E402
from apps.insights.services import CURSOR, rollups_follow, rollups_rebuild  # noqa: E402
from apps.streams.models import Event  # noqa: E402

ZONE = settings.FIRSTLINE_PROGRAM_TIME_ZONE

# What one copy of the archive inserts, in order: (table, {column: expression over the source row
# "s" and the maps}, joins). %(k)s is the copy's number.
UUID = "md5({col}::text || '-%(k)s')::uuid"


def _columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
            [table],
        )
        return [row[0] for row in cursor.fetchall()]


def _insert(table: str, replace: dict[str, str], source: str, *, k: int, skip=("id",)) -> int:
    columns = [c for c in _columns(table) if c not in skip or c in replace]
    values = [replace.get(c, f"s.{c}") for c in columns]
    sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} {source}"
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("%(k)s", str(k)))
        return cursor.rowcount


def copy_archive(k: int) -> int:
    """One more copy of the archive's calls and what hangs off them; answers the calls added."""
    calls = _insert(
        "incidents_incident",
        {
            "external_id": f"'bench{k}-' || s.id::text",
            "callback_digest": "CASE WHEN s.callback_digest = '' THEN '' ELSE md5(s.callback_digest || '-%(k)s') END",
        },
        f"FROM incidents_incident s WHERE s.external_id LIKE '{PREFIX}%%'",
        k=k,
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_calls")
        cursor.execute(
            "CREATE TEMP TABLE bench_calls AS SELECT s.id AS old, n.id AS new FROM incidents_incident s "  # noqa: S608
            f"JOIN incidents_incident n ON n.external_id = 'bench{k}-' || s.id::text "
            f"WHERE s.external_id LIKE '{PREFIX}%%'"
        )
        cursor.execute("CREATE INDEX ON bench_calls (old)")
    _insert(
        "incidents_assignment",
        {"incident_id": "m.new"},
        "FROM incidents_assignment s JOIN bench_calls m ON m.old = s.incident_id",
        k=k,
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_assignments")
        cursor.execute(
            "CREATE TEMP TABLE bench_assignments AS SELECT s.id AS old, n.id AS new FROM incidents_assignment s "
            "JOIN bench_calls m ON m.old = s.incident_id JOIN incidents_assignment n ON n.incident_id = m.new "
            "AND n.team_id = s.team_id AND n.dispatched_at = s.dispatched_at"
        )
        cursor.execute("CREATE INDEX ON bench_assignments (old)")
    enc = UUID.format(col="s.id")
    _insert(
        "incidents_encounter",
        {"id": enc, "incident_id": "m.new", "assignment_id": "a.new"},
        "FROM incidents_encounter s JOIN bench_calls m ON m.old = s.incident_id "
        "LEFT JOIN bench_assignments a ON a.old = s.assignment_id",
        k=k,
    )
    _insert(
        "incidents_encounterversion",
        {"encounter_id": UUID.format(col="s.encounter_id")},
        "FROM incidents_encounterversion s JOIN incidents_encounter e ON e.id = s.encounter_id "
        f"JOIN incidents_incident i ON i.id = e.incident_id WHERE i.external_id LIKE '{PREFIX}%%'",
        k=k,
    )
    _insert(
        "intake_screeningdecision",
        {"incident_id": "m.new"},
        "FROM intake_screeningdecision s LEFT JOIN bench_calls m ON m.old = s.incident_id "  # noqa: S608
        "WHERE m.new IS NOT NULL OR (s.incident_id IS NULL AND s.decided_at < "
        f"(SELECT max(received_at) FROM incidents_incident WHERE external_id LIKE '{PREFIX}%%'))",
        k=k,
    )
    _insert("safety_coresponse", {"id": UUID.format(col="s.id"), "incident_id": "m.new"},
            "FROM safety_coresponse s JOIN bench_calls m ON m.old = s.incident_id", k=k)  # fmt: skip
    archived = (
        "JOIN incidents_encounter e ON e.id = s.encounter_id JOIN incidents_incident i ON i.id = e.incident_id "
        f"WHERE i.external_id LIKE '{PREFIX}%%'"
    )
    ref = UUID.format(col="s.id")
    _insert("followups_referral", {"id": ref, "encounter_id": UUID.format(col="s.encounter_id")},
            f"FROM followups_referral s {archived}", k=k)  # fmt: skip
    _insert(
        "followups_referralstatuschange",
        {"referral_id": UUID.format(col="s.referral_id")},
        "FROM followups_referralstatuschange s JOIN followups_referral r ON r.id = s.referral_id "
        "JOIN incidents_encounter e ON e.id = r.encounter_id JOIN incidents_incident i ON i.id = e.incident_id "
        f"WHERE i.external_id LIKE '{PREFIX}%%'",
        k=k,
    )
    _insert(
        "followups_followup",
        {
            "id": ref,
            "encounter_id": UUID.format(col="s.encounter_id"),
            "referral_id": f"CASE WHEN s.referral_id IS NULL THEN NULL ELSE {UUID.format(col='s.referral_id')} END",
            "origin_key": "CASE WHEN s.origin_key IS NULL THEN NULL ELSE s.origin_key || ':%(k)s' END",
        },
        f"FROM followups_followup s {archived}",
        k=k,
    )
    return calls


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
    parser.add_argument("--reuse", action="store_true", help="measure the database a killed run left")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only")
    test_settings = settings.DATABASES["default"].setdefault("TEST", {})
    test_settings["NAME"] = f"test_{settings.DATABASES['default']['NAME']}_insights"
    if args.reuse:
        old_name = settings.DATABASES["default"]["NAME"]
        settings.DATABASES["default"]["NAME"] = test_settings["NAME"]
        connection.close()
        connection.settings_dict["NAME"] = test_settings["NAME"]
    else:
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        if not args.reuse:
            build(args)
        measure(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def build(args) -> None:
    started = time.perf_counter()
    with access_context(door="command"):
        call_command("load_demo", stdout=StringIO())
    print(f"load_demo: {Incident.objects.count()} calls in {time.perf_counter() - started:.0f} s")
    archived = Incident.objects.filter(external_id__startswith=PREFIX).count()
    copies = max(0, math.ceil((args.calls - Incident.objects.count()) / archived))
    started = time.perf_counter()
    for k in range(1, copies + 1):
        copy_archive(k)
        if k % 10 == 0:
            print(f"  {k} copies, {Incident.objects.count()} calls, {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total = Incident.objects.count()
    print(f"multiplied to {total} calls ({copies} copies) in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    rebuilt = rollups_rebuild()
    print(f"rollups_rebuild: {rebuilt} in {time.perf_counter() - started:.0f} s")


def measure(args) -> None:
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
    cold = timed(lambda: client.get(month), 1, before=cache.clear)
    warm = timed(lambda: client.get(month), args.runs * 5)
    direct = timed(lambda: direct_month_counts(end.replace(day=1), end), args.runs)
    print(shown("public summary API, one month, cache cleared", cold))
    print(shown("public summary API, one month, cached", warm))
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
    year = f"/api/v1/public/summary/?from={start}&to={end}"
    cold = timed(lambda: client.get(year), 1, before=cache.clear)
    warm = timed(lambda: client.get(year), args.runs * 5)
    direct = timed(lambda: direct_month_counts(start, end), args.runs)
    print(shown("public summary API, twelve months, cache cleared", cold))
    print(shown("public summary API, twelve months, cached", warm))
    print(shown("direct GROUP BY, twelve months (its counts only)", direct))


if __name__ == "__main__":
    main()
