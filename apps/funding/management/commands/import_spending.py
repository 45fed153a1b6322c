"""python manage.py import_spending FILE --mapping NAME --user USERNAME — charge a finance system's CSV.

The same rules as the admin and the import page (apps.funding.services.spending_import); importing
the same file twice changes nothing the second time.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import User
from apps.audit.context import access_context
from apps.common.errors import ApplicationError
from apps.funding.models import ImportMapping
from apps.funding.services import spending_import


class Command(BaseCommand):
    help = "Import spending from a CSV file with a saved column mapping."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--mapping", required=True, help="The name of a saved import mapping.")
        parser.add_argument("--user", required=True, help="The finance or supervisor account importing.")

    def handle(self, *args, path, mapping, user, **options):
        actor = User.objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"No account is called {user!r}.")
        saved = ImportMapping.objects.filter(name=mapping).first()
        if saved is None:
            raise CommandError(f"No import mapping is called {mapping!r}.")
        text = Path(path).read_text(encoding="utf-8-sig")
        with access_context(door="command"):
            try:
                run = spending_import(actor=actor, text=text, mapping=saved, filename=Path(path).name)
            except ApplicationError as error:
                raise CommandError(error.message) from error
        self.stdout.write(
            f"{run.rows_total} rows: {run.rows_created} added, {run.rows_already_there} already there, "
            f"{len(run.errors)} refused"
        )
        for error in run.errors:
            self.stdout.write(f"  row {error['row']}: {error['error']}")
        if run.errors:
            raise SystemExit(1)
