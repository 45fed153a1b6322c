"""The program's clock: its time zone, its calendar day, and a day's bounds.

Reports, pages and the demo count by the program's day (FIRSTLINE_PROGRAM_TIME_ZONE), not the
server's or UTC's: a call at 11 pm in Denver belongs to that evening, not to tomorrow in UTC.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings


def program_zone() -> ZoneInfo:
    return ZoneInfo(settings.FIRSTLINE_PROGRAM_TIME_ZONE)


def program_today() -> date:
    return datetime.now(program_zone()).date()


def local_day(moment: datetime) -> date:
    return moment.astimezone(program_zone()).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The instants a local day starts and ends (23 or 25 hours long on a clock change)."""
    zone = program_zone()
    return (
        datetime.combine(day, datetime.min.time(), tzinfo=zone),
        datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone),
    )
