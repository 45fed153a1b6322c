"""Opening hours from HSDS schedules: open now, hours today, weekly hours for the tablets.

Reads WEEKLY (or DAILY / unset) schedules with byday and opens_at/closes_at. closes_at earlier than
opens_at means the hours run past midnight into the next day; equal times mean open all day.
Pure functions; no database access here.
"""

from datetime import date, datetime, time, timedelta

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
            if _all_day(s):
                out.append("Open 24 hours")
            elif _overnight(s):
                out.append(f"{_hhmm(s.opens_at)}–{_hhmm(s.closes_at)} (next day)")
            else:
                out.append(f"{_hhmm(s.opens_at)}–{_hhmm(s.closes_at)}")
    return sorted(set(out))


def weekly_hours(schedules) -> list[dict]:
    """[{"weekday", "opens", "closes"}] for the field cache; all day is 00:00–23:59."""
    rows = set()
    for s in schedules:
        for day in schedule_weekdays(s):
            closes = "23:59" if _all_day(s) else _hhmm(s.closes_at)
            rows.add((day, _hhmm(s.opens_at), closes))
    return [{"weekday": d, "opens": o, "closes": c} for d, o, c in sorted(rows)]


def day_codes_for_prefilter(moment: datetime) -> tuple[str, str]:
    """Today's and yesterday's byday codes (yesterday's hours may run past midnight)."""
    return DAY_CODES[moment.weekday()], DAY_CODES[(moment.weekday() - 1) % 7]
