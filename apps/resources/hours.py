"""Opening hours from HSDS schedules: open now, hours today, weekly hours for the tablets.

Reads WEEKLY (or DAILY / unset) schedules with byday and opens_at/closes_at. closes_at earlier than
opens_at means the hours run past midnight into the next day; equal times mean open all day.
Pure functions; no database access here.
"""

from datetime import date, datetime, time, timedelta

from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]  # Monday = 0, as date.weekday()
WEEKLY_FREQS = {"", "WEEKLY", "DAILY"}


def schedule_weekdays(schedule) -> list[int]:
    """The weekdays a schedule's hours start on; [] if the schedule is not a weekly pattern with times."""
    if schedule.opens_at is None or schedule.closes_at is None:
        return []
    if (schedule.freq or "").upper() not in WEEKLY_FREQS:
        return []
    codes = [d.strip()[-2:].upper() for d in (schedule.byday or "").split(",") if d.strip()]
    if not codes:
        return list(range(7))
    return sorted({DAY_CODES.index(c) for c in codes if c in DAY_CODES})


def _valid_on(schedule, day: date) -> bool:
    if schedule.valid_from and day < schedule.valid_from:
        return False
    return not (schedule.valid_to and day > schedule.valid_to)


def _all_day(schedule) -> bool:
    return schedule.opens_at == schedule.closes_at


def _overnight(schedule) -> bool:
    return schedule.closes_at < schedule.opens_at


def has_hours(schedules) -> bool:
    return any(schedule_weekdays(s) for s in schedules)


def is_open(schedules, moment: datetime) -> bool | None:
    """Open at this local moment? None when the service publishes no usable hours at all."""
    usable = [s for s in schedules if schedule_weekdays(s)]
    if not usable:
        return None
    today, now = moment.date(), moment.time().replace(tzinfo=None)
    yesterday = today - timedelta(days=1)
    for s in usable:
        days = schedule_weekdays(s)
        if today.weekday() in days and _valid_on(s, today):
            if _all_day(s):
                return True
            if _overnight(s) and now >= s.opens_at:
                return True
            if not _overnight(s) and s.opens_at <= now < s.closes_at:
                return True
        if yesterday.weekday() in days and _valid_on(s, yesterday) and _overnight(s) and now < s.closes_at:
            return True
    return False


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def hours_on(schedules, day: date) -> list[str]:
    """Readable hours that start on this day, e.g. ["08:00–17:00", "22:00–06:00 (next day)"]."""
    out = []
    for s in schedules:
        if day.weekday() in schedule_weekdays(s) and _valid_on(s, day):
            out.append(_span(s))
    return sorted(set(out))


def _span(schedule) -> str:
    if _all_day(schedule):
        return _("Open 24 hours")
    span = f"{_hhmm(schedule.opens_at)}–{_hhmm(schedule.closes_at)}"
    return _("%(hours)s (next day)") % {"hours": span} if _overnight(schedule) else span


def _days(run: list[int]) -> str:
    first, last = str(WEEKDAYS_ABBR[run[0]]), str(WEEKDAYS_ABBR[run[-1]])
    return first if len(run) == 1 else f"{first}–{last}"


def hours_summary(schedules, today: date | None = None) -> list[str]:
    """The week in a few lines: equal days grouped ("Mon–Fri 09:00–17:00", "Sat 10:00–14:00"),
    "Open 24 hours" for a service that never closes. [] when it publishes no usable hours."""
    by_day: dict[int, tuple[str, ...]] = {}
    for day in range(7):
        spans = sorted(
            {_span(s) for s in schedules if day in schedule_weekdays(s) and (today is None or _valid_on(s, today))}
        )
        if spans:
            by_day[day] = tuple(spans)
    if not by_day:
        return []
    if len(by_day) == 7 and set(by_day.values()) == {(_("Open 24 hours"),)}:
        return [_("Open 24 hours, every day")]
    lines, run = [], []
    for day in range(8):
        if run and (day == 7 or by_day.get(day) != by_day.get(run[0]) or day not in by_day):
            lines.append(f"{_days(run)} {', '.join(by_day[run[0]])}")
            run = []
        if day < 7 and day in by_day:
            run.append(day)
    return lines


def next_opening(schedules, moment: datetime) -> datetime | None:
    """When a closed service next opens, within a week, as a local moment; None if it never does."""
    usable = [s for s in schedules if schedule_weekdays(s)]
    found = None
    for offset in range(8):
        day = moment.date() + timedelta(days=offset)
        for s in usable:
            if day.weekday() in schedule_weekdays(s) and _valid_on(s, day):
                start = datetime.combine(day, s.opens_at.replace(tzinfo=None), tzinfo=moment.tzinfo)
                if start > moment and (found is None or start < found):
                    found = start
        if found is not None:
            return found
    return None


def open_state(schedules, moment: datetime) -> str:
    """In words, for a reader deciding now: "Open now", "Opens at 08:00", "Opens Tue 08:00", or ""."""
    is_open_now = is_open(schedules, moment)
    if is_open_now is None:
        return ""
    if is_open_now:
        return _("Open now")
    opens = next_opening(schedules, moment)
    if opens is None:
        return pgettext("opening hours", "Closed")
    if opens.date() == moment.date():
        return _("Closed · opens at %(time)s") % {"time": _hhmm(opens.time())}
    return _("Closed · opens %(day)s %(time)s") % {"day": WEEKDAYS_ABBR[opens.weekday()], "time": _hhmm(opens.time())}


def weekly_hours(schedules) -> list[dict]:
    """[{"weekday", "opens", "closes", "all_day"}] for the field cache; all day is 00:00–23:59 (and says so)."""
    rows = set()
    for s in schedules:
        for day in schedule_weekdays(s):
            closes = "23:59" if _all_day(s) else _hhmm(s.closes_at)
            rows.add((day, "00:00" if _all_day(s) else _hhmm(s.opens_at), closes, _all_day(s)))
    return [{"weekday": d, "opens": o, "closes": c, "all_day": a} for d, o, c, a in sorted(rows)]


def day_codes_for_prefilter(moment: datetime) -> tuple[str, str]:
    """Today's and yesterday's byday codes (yesterday's hours may run past midnight)."""
    return DAY_CODES[moment.weekday()], DAY_CODES[(moment.weekday() - 1) % 7]
