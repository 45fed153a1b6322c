"""Every page in the program's time zone: Django's own rendering (the admin's columns, `|date`,
forms that read a typed time) uses the current zone, which is UTC unless a request activates another.

The API keeps UTC: its moments are ISO 8601 with their offset, and clients format them themselves.
"""

from django.utils import timezone

from apps.common.days import program_zone


class ProgramTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            return self.get_response(request)
        timezone.activate(program_zone())
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
