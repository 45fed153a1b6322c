"""Recompute every insights rollup from the domain tables.

    python manage.py insights_rebuild

Safe while the program runs: the rebuild is one transaction (readers see the old rollups until it
commits) and holds the event cursor, so the follow task waits and then applies what came meanwhile.
"""

from django.core.management.base import BaseCommand

from apps.audit.context import access_context
from apps.audit.models import Door
from apps.insights.services import rollups_rebuild


class Command(BaseCommand):
    help = "Recompute the insights rollups (facts and daily sums) from calls, screening, referrals and shifts."

    def handle(self, *args, **options):
        with access_context(door=Door.COMMAND):
            totals = rollups_rebuild()
        summary = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in totals.items())
        self.stdout.write(self.style.SUCCESS(f"Insights rebuilt: {summary or 'nothing to count'}."))
