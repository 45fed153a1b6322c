"""Dump the PostgreSQL database to one file with pg_dump's custom format (restore_database reads it).

The dump holds every person's record: write it only where the database itself may be, encrypt it
at rest, and keep it no longer than the program's retention rule (deploy/README.md, "Backups").
"""

import os
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


def pg_environment(database: dict) -> tuple[dict, list[str]]:
    """libpq settings for the pg_* tools: the password in the environment, never on the command line."""
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    args = ["--host", database.get("HOST") or "127.0.0.1", "--port", str(database.get("PORT") or 5432)]
    args += ["--username", database.get("USER") or "postgres"]
    return env, args


class Command(BaseCommand):
    help = "Write a pg_dump (custom format) of the database to --output."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="file to write, e.g. /backups/firstline-2026-01-31.dump")

    def handle(self, *args, output, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Backups are for PostgreSQL (services mode); copy var/*.sqlite3 otherwise.")
        database = connection.settings_dict
        env, args_ = pg_environment(database)
        target = Path(output)
        target.parent.mkdir(parents=True, exist_ok=True)
        command = ["pg_dump", *args_, "--format=custom", "--no-owner", "--file", str(target), database["NAME"]]
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        target.chmod(0o600)
        self.stdout.write(f"wrote {target} ({target.stat().st_size} bytes)")
