"""Exit 0 if a part's heartbeat is fresh, 1 if not: the container health check of worker and beat."""

from django.core.management.base import BaseCommand, CommandError

from apps.operations.models import Heartbeat
from apps.operations.selectors import parts_stopped


class Command(BaseCommand):
    help = "Check that the worker's or the beat's heartbeat is fresh (for health checks)."

    def add_arguments(self, parser):
        parser.add_argument("part", choices=Heartbeat.Part.values)

    def handle(self, *args, part, **options):
        stopped = parts_stopped()
        if part in stopped:
            raise CommandError(f"{part}: last heartbeat {stopped[part] or 'never'}")
        self.stdout.write(f"{part}: ok")
