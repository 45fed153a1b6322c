"""python manage.py import_hsds PATH — a datapackage folder or zip, or HSDS JSON."""

from django.core.management.base import BaseCommand, CommandError

from apps.resources.importer import RowError
from apps.resources.services import directory_import


class Command(BaseCommand):
    help = "Import Open Referral HSDS 3 data (datapackage folder/zip or JSON); upserts by id."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar on stderr.")

    def handle(self, *args, path, no_progress=False, **options):
        self._drew = False
        try:
            result = directory_import(actor=None, path=path, progress=None if no_progress else self.progress)
        except RowError as error:
            raise CommandError(str(error)) from error
        if self._drew:
            self.stderr.write("")
        for line in result.summary_lines():
            self.stdout.write(line)

    def progress(self, label: str, done: int, total: int) -> None:
        """A plain-text bar on stderr, redrawn in place (shown only for large inputs)."""
        width = 30
        filled = int(width * done / max(total, 1))
        self.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} rows  {label:<28}", ending="")
        self.stderr.flush()
        self._drew = True
