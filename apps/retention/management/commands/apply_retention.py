"""`manage.py apply_retention [--dry-run]`: de-identify or delete what is past its retention period."""

from django.core.management.base import BaseCommand

from apps.retention.conf import KINDS
from apps.retention.services import retention_apply


class Command(BaseCommand):
    help = "De-identify or delete records past their retention period (FIRSTLINE_RETENTION_DAYS_<KIND>)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would change; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        report = retention_apply(dry_run=dry_run, door="command")
        self.stdout.write("Dry run: nothing changed." if dry_run else "Retention applied.")
        for kind, (_, effect) in KINDS.items():
            cutoff = report["cutoffs"][kind]
            if cutoff is None:
                self.stdout.write(f"  {kind}: kept for ever (period 0)")
                continue
            counts = ", ".join(f"{name} {n}" for name, n in report["counts"][kind].items()) or "nothing"
            self.stdout.write(f"  {kind} before {cutoff[:10]}: {counts} — {effect}")
