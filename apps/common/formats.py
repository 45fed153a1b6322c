"""Dates, times and numbers on server pages: in the program's time zone and the reader's language.

One helper for Python (emails, admin columns) and the same one as template filters
(`{% load firstline %}` then `{{ value|when }}`, `{{ value|when:"date" }}`, `{{ value|number }}`).
"""

from datetime import date, datetime

from django.utils import dateparse, formats, timezone

from apps.common.days import program_zone

STYLES = {
    "datetime": "SHORT_DATETIME_FORMAT",
    "long": "DATETIME_FORMAT",
    "date": "SHORT_DATE_FORMAT",
    "long_date": "DATE_FORMAT",
    "time": "TIME_FORMAT",
}


def when(value: datetime | date | str | None, style: str = "datetime") -> str:
    """A moment as the program's people read it: their language's format, the program's clock."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):  # an ISO 8601 string, as payloads carry moments
        value = dateparse.parse_datetime(value) or dateparse.parse_date(value) or value
        if isinstance(value, str):
            return value
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = value.astimezone(program_zone())
    elif style in ("datetime", "long", "time"):
        style = "date"  # a bare date has no time of day to show
    return formats.date_format(value, STYLES.get(style, style))


def number(value, decimals: int | None = None) -> str:
    """A number with the reader's decimal mark and thousands separator."""
    if value is None or value == "":
        return ""
    if decimals is not None:
        value = round(float(value), decimals)
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
