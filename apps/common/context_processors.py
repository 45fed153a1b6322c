from django.conf import settings
from django.utils import timezone

from apps.common.days import program_zone


def program(request):
    return {"program_name": settings.FIRSTLINE_PROGRAM_NAME, "program_time_zone": zone_label()}


def zone_label() -> str:
    """The program's zone as a reader recognises it: its place name and today's abbreviation."""
    zone = program_zone()
    return f"{zone.key.split('/')[-1].replace('_', ' ')} ({timezone.now().astimezone(zone).tzname()})"
