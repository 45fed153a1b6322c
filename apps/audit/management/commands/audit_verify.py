"""Check the access log's hash chain; exit non-zero naming the first row edited or missing.

Run it from cron or after a restore. A failure means someone changed the log behind the
application's back: keep the database, and compare with a backup from before that row.
"""

from django.core.management.base import BaseCommand, CommandError

from apps.audit import chain


class Command(BaseCommand):
    help = "Walk the audit log's hash chain and report the first edited, deleted or out-of-place row."

    def handle(self, *args, **options):
        report = chain.verify()
        if not report.ok:
            raise CommandError(f"Audit chain broken after {report.checked} good rows: {report.problem}.")
        self.stdout.write(f"Audit chain intact: {report.checked} rows.")
