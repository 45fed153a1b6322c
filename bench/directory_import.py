"""Import throughput: rows/s for an HSDS 3 datapackage of 20,000 generated services.

    DATABASE_URL=postgres://... python bench/directory_import.py [--services 20000] [--runs 3]

Each run empties the directory tables and imports the package (every row created), then imports it
again (every row compared and found unchanged). Baseline in the same run: the same rows inserted
with plain `bulk_create` of ready-made model objects (no CSV reading, validation or upsert), i.e.
the floor the database itself sets. Prints medians over the runs. Uses its own database
(test_<name>_import, created and dropped), so it never touches real data.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from directory_data import write_package  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402


def empty_directory() -> None:
    from apps.resources.hsds import TABLES

    names = ", ".join(t.model._meta.db_table for t in TABLES)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {names}, resources_servicecapacity, resources_organization_liaison_contacts CASCADE")


def snapshot_objects() -> list:
    from apps.resources.hsds import TABLES

    return [(t.model, list(t.model.objects.all())) for t in TABLES]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("warning: not PostgreSQL; figures are not comparable", file=sys.stderr)
    test_settings = settings.DATABASES["default"].setdefault("TEST", {})
    test_settings["NAME"] = f"test_{settings.DATABASES['default']['NAME']}_import"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from apps.resources.importer import import_hsds

        with tempfile.TemporaryDirectory() as tmp:
            counts = write_package(Path(tmp) / "package", services=args.services)
            rows = sum(counts.values())
            print(f"datapackage: {args.services} services, {rows} rows in {len(counts)} tables")
            first, again, floor = [], [], []
            for run in range(args.runs):
                empty_directory()
                started = time.perf_counter()
                result = import_hsds(Path(tmp) / "package")
                first.append(time.perf_counter() - started)
                assert result.totals()["created"] == rows and not result.rejected, result.totals()
                started = time.perf_counter()
                result = import_hsds(Path(tmp) / "package")
                again.append(time.perf_counter() - started)
                assert result.totals()["unchanged"] == rows, result.totals()
                objects = snapshot_objects()
                empty_directory()
                started = time.perf_counter()
                with transaction.atomic():
                    for model, instances in objects:
                        model.objects.bulk_create(instances, batch_size=500)
                floor.append(time.perf_counter() - started)
                times = f"import {first[-1]:.1f} s, re-import {again[-1]:.1f} s, bulk_create {floor[-1]:.1f} s"
                print(f"run {run + 1}: {times}")
        f, a, b = statistics.median(first), statistics.median(again), statistics.median(floor)
        print(f"\nmedian over {args.runs} runs ({rows} rows):")
        print(
            f"  import_hsds, all new     : {f:6.1f} s  {rows / f:9,.0f} rows/s  ({args.services / f:,.0f} services/s)"
        )
        print(f"  import_hsds, all same    : {a:6.1f} s  {rows / a:9,.0f} rows/s")
        print(f"  baseline bulk_create     : {b:6.1f} s  {rows / b:9,.0f} rows/s")
        print(f"  ratio import/baseline    : {f / b:6.1f}x slower (re-import {a / b:.1f}x)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
