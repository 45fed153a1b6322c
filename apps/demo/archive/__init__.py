"""The demo's archive: the thirteen-odd months before the worked week, written in bulk.

The week (apps/demo/history.py) goes through the real services; a year of some 20,000 calls that
way would take many minutes, so this module writes the rows the services would have written, a
month at a time with `bulk_create`: the screening decision (and the handback of a call screened
out or sent with police), the incident, its assignments (some calls get two teams, some are
reassigned, some cancelled), a short timeline, the encounter and its first version, referrals
through their loop by partner organisation, the follow-ups the program's rules raise and those a
team asked for (done on time or late), and every team's shifts. plan.py decides what happened
(cast.py reads who takes part), rows.py, agencies.py and loop.py turn the plan into rows.

It writes no audit rows and no events: nobody read or did these things in this database, and the
access log's hash chain is left exactly as it was (`manage.py audit_verify` still holds). Handbacks
keep no EIDO document: past 90 days retention blanks them anyway. The rule sweep's cursor is moved
past the archive's encounter versions, whose follow-ups are written here.

A seeded generator makes the archive the same for the same `now`; calls carry `external_id`
"archive-<n>", and when any exists nothing is written, so a second `load_demo` is a no-op.
bench/insights_scale.py drives `ArchiveWriter` with more teams for a million calls.
"""

import random
import time
from datetime import UTC, date, datetime, timedelta

from django.db import transaction
from django.test.utils import override_settings

from apps.common.days import local_day, program_zone
from apps.demo.archive.cast import Cast, archive_cast
from apps.demo.archive.plan import PREFIX, ArchivePlanner, archive_start
from apps.demo.archive.rows import ArchiveWriter
from apps.demo.city import SEED
from apps.demo.people import HISTORY_DAYS
from apps.incidents.models import Incident
from apps.teams.models import Membership

__all__ = ["PREFIX", "ArchivePlanner", "ArchiveWriter", "archive_cast", "archive_start", "load_archive"]


def load_archive(*, now: datetime, stdout, prefix: str = PREFIX) -> int:
    """Write the archive before the worked week, once; return how many calls it wrote."""
    written = Incident.objects.filter(external_id__startswith=prefix)
    if written.exists():
        stdout.write(f"  The archive is already loaded ({written.count()} calls); leaving it as it is.")
        return 0
    started = time.monotonic()
    first = archive_start(now)
    until = now - timedelta(days=HISTORY_DAYS)  # where the worked week's calls begin
    last = local_day(until)
    rng = random.Random(f"{SEED}-archive")
    cast = archive_cast(rng=rng)
    if not cast.teams or any(len(members) < 1 for members in cast.crew.values()):
        stdout.write("  no demo teams; skipping the archive")
        return 0
    planner, span = ArchivePlanner(cast, rng), (last - first).days or 1
    writer = ArchiveWriter(cast, rng, now=now, prefix=prefix)
    # The debug cursor would keep every one of some thousand big INSERTs in memory and format it.
    with override_settings(DEBUG=False), transaction.atomic():
        _members_since(cast, _midnight(first - timedelta(days=1)))
        writer.shifts(planner.shifts_for(first - timedelta(days=1)))  # the night shift running into day one
        month = first
        while month <= last:
            following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
            calls, day = [], month
            while day < min(following, last + timedelta(days=1)):
                shifts = planner.shifts_for(day)
                if day < last:  # the week's first day has its shifts already (apps/demo/people.py)
                    writer.shifts(shifts)
                growth = 0.9 + 0.1 * (day - first).days / span  # the program grew over the year
                calls += planner.calls_for(day, growth=growth, before=until)
                day += timedelta(days=1)
            writer.calls(calls)
            stdout.write(f"  archive: {writer.counts['incidents']} calls written up to {month:%B %Y}…")
            month = following
        writer.move_rule_cursor()
    stdout.write("  archive: " + ", ".join(f"{n} {name}" for name, n in writer.counts.items()))
    stdout.write(f"  archive written in {time.monotonic() - started:.1f} s")
    return writer.counts["incidents"]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=program_zone()).astimezone(UTC)


def _members_since(cast: Cast, moment: datetime) -> None:
    """The demo's responders were on their teams for the whole archive."""
    members = [u.pk for crew in cast.crew.values() for u in crew]
    Membership.objects.filter(user_id__in=members, active=True, started_at__gt=moment).update(started_at=moment)
