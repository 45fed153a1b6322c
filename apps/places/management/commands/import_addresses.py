"""python manage.py import_addresses FILE — address points in the OpenAddresses CSV layout."""

from django.core.management.base import BaseCommand, CommandError

from apps.common.errors import ApplicationError
from apps.places.services import addresses_import


class Command(BaseCommand):
    help = "Import address points from an OpenAddresses CSV (LON,LAT,NUMBER,STREET,...); a re-import changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--no-progress", action="store_true", help="No progress line on stderr.")

    def handle(self, *args, file, no_progress=False, **options):
        try:
            result = addresses_import(source=file, progress=None if no_progress else self.progress)
        except (ApplicationError, OSError) as error:
            raise CommandError(str(getattr(error, "message", None) or error)) from error
        if not no_progress:
            self.stderr.write("")
        for line in result.summary_lines():
            self.stdout.write(line)

    def progress(self, done: int, total: int | None) -> None:
        of = f"/{total}" if total else ""
        self.stderr.write(f"\r{done}{of} rows read", ending="")
        self.stderr.flush()
