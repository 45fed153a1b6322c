"""Restore a backup_database dump into an empty PostgreSQL database (a fresh one, or --replace)."""

import subprocess

import dj_database_url
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from apps.operations.management.commands.backup_database import pg_environment


class Command(BaseCommand):
    help = "Restore a dump written by backup_database into --database-url (default: the configured database)."

    def add_arguments(self, parser):
        parser.add_argument("dump", help="the file backup_database wrote")
        parser.add_argument("--database-url", help="where to restore, e.g. a fresh database to check a backup")
        parser.add_argument(
            "--replace", action="store_true", help="drop what the target holds first (stop web, worker and beat)"
        )

    def handle(self, *args, dump, database_url=None, replace=False, **options):
        database = dj_database_url.parse(database_url) if database_url else connection.settings_dict
        if "postgresql" not in database["ENGINE"]:
            raise CommandError("Restores are for PostgreSQL (services mode).")
        env, args_ = pg_environment(database)
        command = ["pg_restore", *args_, "--no-owner", "--exit-on-error", "--dbname", database["NAME"]]
        if replace:
            command += ["--clean", "--if-exists"]
        result = subprocess.run([*command, dump], env=env, capture_output=True, text=True)
        if result.returncode:
            raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
        self.stdout.write(f"restored {dump} into {database['NAME']}")
