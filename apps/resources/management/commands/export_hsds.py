"""python manage.py export_hsds PATH — write an HSDS 3 tabular datapackage (folder, or .zip)."""

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand

from apps.resources.exporter import export_hsds, zip_folder


class Command(BaseCommand):
    help = "Export the resource directory as an HSDS 3 tabular datapackage (a folder, or a .zip)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        target = Path(path)
        if target.suffix.lower() == ".zip":
            with tempfile.TemporaryDirectory() as tmp:
                counts = export_hsds(tmp)
                zip_folder(tmp, target)
        else:
            counts = export_hsds(target)
        self.stdout.write(f"Wrote {sum(counts.values())} rows to {target}")
        for name, n in counts.items():
            if n:
                self.stdout.write(f"  {name}: {n}")
