"""`python manage.py load_demo`: the demo program of Riverton and its logins."""

import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.audit.context import access_context
from apps.demo.loader import demo_summary, load_demo
from apps.demo.people import demo_logins

PRODUCTION_SETTINGS = "config.settings.production"


def _settings_module() -> str:
    return getattr(settings, "SETTINGS_MODULE", "") or os.environ.get("DJANGO_SETTINGS_MODULE", "")


class Command(BaseCommand):
    help = (
        "Load the fictional Riverton demo program: teams, logins, a week of calls and the archive of the "
        "thirteen months before it. Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even with production settings (the demo logins share one public password).",
        )

    def handle(self, *args, **options):
        modules = {_settings_module(), os.environ.get("DJANGO_SETTINGS_MODULE", "")}
        if PRODUCTION_SETTINGS in modules and not options["force"]:
            raise CommandError(
                "Refusing to load demo data with production settings: every demo login has the public "
                "password 'firstline-demo'. Use --force only on a throwaway server."
            )
        started = time.monotonic()
        self.stdout.write("Loading the Riverton demo program…")
        with access_context(door="command"):
            created = load_demo(stdout=self.stdout)
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Created {created['users']} users, {created['teams']} teams and {created['incidents']} incidents "
            f"in {elapsed:.1f} s."
        )
        self.stdout.write("\nThe demo program now holds:")
        for name, count in demo_summary().items():
            self.stdout.write(f"  {name:<15} {count}")
        self.stdout.write("\nDemo logins:")
        self.stdout.write(f"  {'username':<13} {'role':<20} password")
        for username, role, password in demo_logins():
            self.stdout.write(f"  {username:<13} {role:<20} {password}")
        self.stdout.write(self.style.SUCCESS("\nDone. Sign in at /board/ (dispatcher), /field/ (responderN), /admin/."))
