"""The local geocoder: per-lookup latency of messy addresses, and the address-point import rate.

    DATABASE_URL=postgres://... python bench/geocoder.py [--per-district 84] [--lookups 10000] [--runs 3]

Riverton's synthetic grid (apps/demo/addresses.py) scaled up to ~200,000 address points is written
as an OpenAddresses CSV and imported through `addresses_import` (all new, then again: all known);
baseline in the same run: the same points inserted with plain `bulk_create` of ready-made model
objects. Then 10,000 points picked at random are written messily (tests/places/messy.py: case,
abbreviations, directions, typos, units) and geocoded one by one (top 5, pg_trgm); baseline in the
same run: the same 10,000 lookups as one exact-match SQL query each (clean street key + number).
Prints medians over the runs and the top-1 hit rate. Uses its own database (created and dropped).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from apps.demo.addresses import address_csv, address_rows  # noqa: E402
from apps.places.models import AddressPoint, Street  # noqa: E402
from apps.places.parsing import street_key  # noqa: E402
from apps.places.selectors import geocode  # noqa: E402
from apps.places.services import addresses_import  # noqa: E402
from tests.places.messy import messy  # noqa: E402

EXACT_SQL = (
    "SELECT p.latitude, p.longitude FROM places_addresspoint p JOIN places_street s ON s.id = p.street_id "
    "WHERE s.key = %s AND p.number = %s LIMIT 1"
)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def empty() -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE places_addresspoint, places_street CASCADE")


def import_runs(path: Path, rows: int, runs: int) -> None:
    first, again, floor = [], [], []
    for _run in range(runs):
        empty()
        started = time.perf_counter()
        result = addresses_import(source=path)
        first.append(time.perf_counter() - started)
        assert result.created == rows and not result.skipped_count, result.summary_lines()
        started = time.perf_counter()
        result = addresses_import(source=path)
        again.append(time.perf_counter() - started)
        assert result.unchanged == rows, result.summary_lines()
        points = list(AddressPoint.objects.all())
        for point in points:
            point.pk = None
        AddressPoint.objects.all().delete()
        started = time.perf_counter()
        with transaction.atomic():
            AddressPoint.objects.bulk_create(points, batch_size=2000)
        floor.append(time.perf_counter() - started)
    rate = rows / statistics.median(first)
    base = rows / statistics.median(floor)
    print(f"import, all new:        {rate:,.0f} points/s (median of {runs}: {statistics.median(first):.1f} s)")
    print(f"re-import, all known:   {rows / statistics.median(again):,.0f} points/s")
    print(f"plain bulk_create:      {base:,.0f} points/s   -> import is x{base / rate:.1f} slower")


def lookup_runs(sample: list, runs: int) -> None:
    p50s, p95s, base50, base95, hits = [], [], [], [], []
    for _run in range(runs):
        times, exact_times, hit = [], [], 0
        for row, text, _done in sample:
            started = time.perf_counter()
            found = geocode(text)
            times.append(time.perf_counter() - started)
            hit += bool(found) and found[0].label.startswith(f"{row['NUMBER']} {row['STREET']}")
        with connection.cursor() as cursor:
            for row, _text, _done in sample:
                started = time.perf_counter()
                cursor.execute(EXACT_SQL, [street_key(row["STREET"]), row["NUMBER"]])
                assert cursor.fetchone() is not None
                exact_times.append(time.perf_counter() - started)
        p50s.append(pct(times, 0.5) * 1000)
        p95s.append(pct(times, 0.95) * 1000)
        base50.append(pct(exact_times, 0.5) * 1000)
        base95.append(pct(exact_times, 0.95) * 1000)
        hits.append(hit / len(sample))
        print(f"  run: geocode p50 {p50s[-1]:.2f} ms p95 {p95s[-1]:.2f} ms; exact SQL p50 {base50[-1]:.3f} ms")
    m = statistics.median
    print(f"geocode, {len(sample)} messy: p50 {m(p50s):.2f} ms, p95 {m(p95s):.2f} ms (median of {runs})")
    print(f"exact-match SQL:          p50 {m(base50):.3f} ms, p95 {m(base95):.3f} ms")
    print(f"ratio: p50 x{m(p50s) / m(base50):.0f}, p95 x{m(p95s) / m(base95):.0f}; top-1 hit rate {m(hits):.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-district", type=int, default=84, help="streets per district (84: ~200,000 points)")
    parser.add_argument("--lookups", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--import-runs", type=int, default=2)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("warning: not PostgreSQL; figures are not comparable", file=sys.stderr)
    test_settings = settings.DATABASES["default"].setdefault("TEST", {})
    test_settings["NAME"] = f"test_{settings.DATABASES['default']['NAME']}_geocoder"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        rows = list(address_rows(per_district=args.per_district))
        streets = len({r["STREET"] for r in rows})
        print(f"address points: {len(rows):,} on {streets} streets")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "points.csv"
            path.write_text(address_csv(rows).getvalue(), encoding="utf-8")
            import_runs(path, len(rows), args.import_runs)
        assert Street.objects.count() == streets
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE places_addresspoint; ANALYZE places_street")
        rng = random.Random(2026)
        sample = [(row, *messy(row, rng)) for row in rng.sample(rows, args.lookups)]
        lookup_runs(sample, args.runs)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
