"""Field search latency on 20,000 generated services (need + distance + open now), PostgreSQL.

    DATABASE_URL=postgres://... python bench/directory_search.py [--services 20000] [--rounds 3]

Loads a generated datapackage (bench/directory_data.py) through import_hsds into its own database
(test_<name>_search, created and dropped), then runs 45 queries (5 needs x 3 points x 3 moments:
Saturday 02:00, Monday 10:00 and Wednesday 19:30 in the program's time zone; 10 km, 20 results)
ROUNDS times through apps.resources.selectors.services_search, and the same queries as one
hand-written SQL statement (bounding box, need join, haversine and the open-now rules including
hours past midnight, in SQL). It checks both return the same services in the same order, and
prints p50/p95 for each and the ratio. The selector also builds the full result cards (address,
phone, hours today, languages, needs, capacity); the SQL returns ids and distances only.
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from directory_data import map_need_terms, percentile, write_package  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

NEEDS = ["shelter", "food", "detox", "medical", "mental_health"]
POINTS = [(39.747, -104.992), (39.80, -105.05), (39.70, -104.90)]
RADIUS_KM = 10.0
LIMIT = 20

HAND_WRITTEN = """
WITH candidates AS (
    SELECT s.id AS service_id,
           MIN(2 * 6371.0088 * ASIN(LEAST(1, SQRT(
               POWER(SIN(RADIANS(l.latitude - %(lat)s) / 2), 2)
               + COS(RADIANS(%(lat)s)) * COS(RADIANS(l.latitude)) * POWER(SIN(RADIANS(l.longitude - %(lon)s) / 2), 2)
           )))) AS km
    FROM resources_service s
    JOIN resources_serviceatlocation sal ON sal.service_id = s.id
    JOIN resources_location l ON l.id = sal.location_id
    WHERE s.status = 'active'
      AND l.latitude BETWEEN %(south)s AND %(north)s
      AND l.longitude BETWEEN %(west)s AND %(east)s
      AND s.id IN (SELECT a.link_id FROM resources_attribute a
                   JOIN resources_taxonomyterm t ON t.id = a.taxonomy_term_id
                   WHERE a.link_entity = 'service' AND t.need_code = %(need)s)
    GROUP BY s.id
),
schedules AS (
    SELECT sc.*, sc.service_id AS owner FROM resources_schedule sc WHERE sc.service_id IS NOT NULL
    UNION ALL
    SELECT sc.*, sal.service_id AS owner FROM resources_schedule sc
    JOIN resources_serviceatlocation sal ON sal.id = sc.service_at_location_id
    WHERE sc.service_id IS DISTINCT FROM sal.service_id
),
open_now AS (
    SELECT DISTINCT sc.owner AS service_id
    FROM schedules sc JOIN candidates c ON c.service_id = sc.owner
    WHERE sc.opens_at IS NOT NULL AND sc.closes_at IS NOT NULL
      AND UPPER(sc.freq) IN ('', 'WEEKLY', 'DAILY')
      AND (
        ((sc.byday = '' OR sc.byday LIKE %(today_like)s)
         AND (sc.valid_from IS NULL OR sc.valid_from <= %(today)s) AND (sc.valid_to IS NULL OR sc.valid_to >= %(today)s)
         AND (sc.opens_at = sc.closes_at
              OR (sc.opens_at < sc.closes_at AND %(now)s >= sc.opens_at AND %(now)s < sc.closes_at)
              OR (sc.closes_at < sc.opens_at AND %(now)s >= sc.opens_at)))
        OR
        ((sc.byday = '' OR sc.byday LIKE %(yesterday_like)s)
         AND (sc.valid_from IS NULL OR sc.valid_from <= %(yesterday)s)
         AND (sc.valid_to IS NULL OR sc.valid_to >= %(yesterday)s)
         AND sc.closes_at < sc.opens_at AND %(now)s < sc.closes_at)
      )
)
SELECT c.service_id, c.km FROM candidates c JOIN open_now o ON o.service_id = c.service_id
WHERE c.km <= %(radius)s
ORDER BY c.km, c.service_id::text
LIMIT %(limit)s
"""


def moments() -> list[datetime]:
    zone = ZoneInfo(settings.FIRSTLINE_PROGRAM_TIME_ZONE)
    return [
        datetime(2026, 11, 28, 2, 0, tzinfo=zone),  # Saturday, small hours: overnight and 24/7 only
        datetime(2026, 11, 30, 10, 0, tzinfo=zone),  # Monday morning
        datetime(2026, 12, 2, 19, 30, tzinfo=zone),  # Wednesday evening
    ]


def hand_written(need: str, point, moment: datetime) -> list:
    from apps.common.geo import bounding_box
    from apps.resources.hours import DAY_CODES

    south, north, west, east = bounding_box(point[0], point[1], RADIUS_KM)
    yesterday = moment.date() - timedelta(days=1)
    params = {
        "lat": point[0], "lon": point[1], "south": south, "north": north, "west": west, "east": east,
        "need": need, "radius": RADIUS_KM, "limit": LIMIT, "now": moment.time().replace(tzinfo=None),
        "today": moment.date(), "yesterday": yesterday,
        "today_like": f"%{DAY_CODES[moment.weekday()]}%", "yesterday_like": f"%{DAY_CODES[yesterday.weekday()]}%",
    }  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(HAND_WRITTEN, params)
        return [str(row[0]) for row in cursor.fetchall()]


def through_selector(need: str, point, moment: datetime) -> list:
    from apps.resources.selectors import SearchQuery, services_search

    query = SearchQuery(
        need=need, latitude=point[0], longitude=point[1], radius_km=RADIUS_KM, open_now=True, limit=LIMIT
    )
    return [r["id"] for r in services_search(query=query, now=moment)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("warning: not PostgreSQL; figures are not comparable", file=sys.stderr)
    test_settings = settings.DATABASES["default"].setdefault("TEST", {})
    test_settings["NAME"] = f"test_{settings.DATABASES['default']['NAME']}_search"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from apps.resources.importer import import_hsds

        with tempfile.TemporaryDirectory() as tmp:
            write_package(Path(tmp) / "package", services=args.services)
            started = time.perf_counter()
            result = import_hsds(Path(tmp) / "package")
            print(f"loaded {args.services} services ({result.totals()['created']} rows) "
                  f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
        map_need_terms()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        cases = [(n, p, m) for n in NEEDS for p in POINTS for m in moments()]
        for case in cases:  # warm-up, and the check that both return the same rows
            ours, theirs = through_selector(*case), hand_written(*case)
            assert ours == theirs, (case, ours[:3], theirs[:3])
        hits = [len(hand_written(*case)) for case in cases]
        selector_ms, sql_ms = [], []
        for _ in range(args.rounds):
            for case in cases:
                started = time.perf_counter()
                through_selector(*case)
                selector_ms.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                hand_written(*case)
                sql_ms.append((time.perf_counter() - started) * 1000)
        print(f"{len(cases)} queries x {args.rounds} rounds; results per query: min {min(hits)}, max {max(hits)}, "
              f"{sum(1 for h in hits if h == 0)} empty")  # fmt: skip
        s50, s95 = percentile(selector_ms, 50), percentile(selector_ms, 95)
        h50, h95 = percentile(sql_ms, 50), percentile(sql_ms, 95)
        print(f"  services_search (full cards) : p50 {s50:7.1f} ms   p95 {s95:7.1f} ms")
        print(f"  hand-written SQL (ids, km)   : p50 {h50:7.1f} ms   p95 {h95:7.1f} ms")
        print(f"  ratio selector/SQL           : p50 {s50 / h50:5.1f}x    p95 {s95 / h95:5.1f}x")
        print("  same services in the same order for every query: yes")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
