"""The demo's archive (apps/demo/archive/): thirteen-odd months of calls before the worked week,
written in bulk, that the insights, open-data and funding screens can stand on.

Reads the one load of tests/demo/conftest.py.
"""

import itertools
import random
import statistics
from collections import Counter, defaultdict
from datetime import date, timedelta
from io import StringIO

from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from apps.audit import chain
from apps.audit.models import AuditEntry
from apps.common.days import program_zone
from apps.demo.archive import PREFIX, ArchivePlanner, archive_cast, archive_start, load_archive
from apps.followups.models import FollowUp, Referral, ReferralStatusChange
from apps.followups.sweeps import followups_sweep_rules
from apps.funding.selectors import figures_for_period
from apps.incidents.models import Assignment, Disposition, Encounter, Incident
from apps.incidents.states import AssignmentStatus, IncidentStatus
from apps.insights.selectors import measure_values
from apps.intake.models import ResponseType, ScreeningDecision
from apps.safety.models import CoResponse
from apps.teams.models import Shift, Team

ZONE = program_zone()


def archive():
    return Incident.objects.filter(external_id__startswith=PREFIX)


def by_local_month(moments) -> Counter:
    return Counter(m.astimezone(ZONE).strftime("%Y-%m") for m in moments)


def test_thirteen_full_months_of_forty_to_sixty_calls_a_day_end_where_the_week_begins(demo_output, db):
    received = list(archive().values_list("received_at", flat=True))
    first = archive_start(timezone.now())
    assert min(received).astimezone(ZONE).date() == first
    week = Incident.objects.filter(external_id__regex=r"^demo-\d+$")
    assert max(received) < week.order_by("received_at").first().received_at
    # A call screened out on arrival is a call too: it has a screening decision and no incident.
    # (Without them November, the archive's low season and first month, falls under 38 a day.)
    screened_on_arrival = ScreeningDecision.objects.filter(
        incident__isnull=True, decided_at__lt=week.order_by("received_at").first().received_at
    ).values_list("decided_at", flat=True)
    months = by_local_month([*received, *screened_on_arrival])
    full = sorted(months)[:-1]  # the last month stops where the week begins
    assert len(full) >= 13
    for month in full:
        year, number = map(int, month.split("-"))
        days = ((date(year + number // 12, number % 12 + 1, 1)) - date(year, number, 1)).days
        assert 38 * days <= months[month] <= 62 * days, (month, months[month])


def test_calls_follow_the_week_and_the_seasons(demo_output, db):
    per_day = Counter(m.astimezone(ZONE).date() for m in archive().values_list("received_at", flat=True))
    by_weekday = defaultdict(list)
    for day, n in per_day.items():
        by_weekday[day.weekday()].append(n)
    assert statistics.mean(by_weekday[5]) > statistics.mean(by_weekday[6]) + 3  # Saturday busier than Sunday
    shares = {}
    for season, months in {"winter": (12, 1, 2), "summer": (6, 7, 8)}.items():
        calls = archive().filter(received_at__month__in=months)
        shares[season] = calls.filter(call_type__code="homelessness_outreach").count() / calls.count()
    assert shares["winter"] > 1.5 * shares["summer"]


def test_every_source_priority_district_and_team_takes_part(demo_output, db):
    calls = archive()
    assert set(calls.values_list("source", flat=True)) == {
        "911", "988", "211", "311", "police_request", "self_initiated", "walk_up"
    }  # fmt: skip
    assert set(calls.values_list("priority", flat=True)) == {1, 2, 3, 4}
    assert len(set(calls.values_list("district", flat=True))) == 6
    assert len(set(calls.values_list("call_type__code", flat=True))) == 8
    teams = Assignment.objects.filter(incident__in=calls).values("team").annotate(n=Count("pk"))
    assert len(teams) == Team.objects.count() == 6
    assert min(row["n"] for row in teams) > 500


def test_response_intervals_are_realistic_for_each_priority(demo_output, db):
    medians = {}
    for priority in (1, 2, 3, 4):
        minutes = [
            (a.on_scene_at - a.incident.received_at).total_seconds() / 60
            for a in Assignment.objects.filter(
                incident__in=archive(), incident__priority=priority, on_scene_at__isnull=False
            ).select_related("incident")
        ]
        medians[priority] = statistics.median(minutes)
        assert all(m > 0 for m in minutes)
    # Community responder programs answer in 15 to 30 minutes at the median; urgent calls go first.
    assert 8 < medians[1] < 30 and medians[1] < medians[3] < medians[4] < 90, medians
    for a in Assignment.objects.filter(incident__in=archive(), status=AssignmentStatus.CLEARED)[:2000]:
        assert a.dispatched_at <= a.en_route_at < a.on_scene_at < a.cleared_at
        assert (a.transport_started_at is None) == (a.at_destination_at is None)


def test_two_team_reassigned_and_cancelled_calls_are_there(demo_output, db):
    calls = archive()
    cleared = Count("assignments", filter=Q(assignments__status=AssignmentStatus.CLEARED))
    assert calls.annotate(teams=cleared).filter(teams__gte=2).count() > 200
    reassigned = calls.filter(status=IncidentStatus.CLOSED, assignments__status=AssignmentStatus.CANCELLED).distinct()
    assert reassigned.count() > 100
    assert all(
        "Reassigned" in a.cancel_reason
        for a in Assignment.objects.filter(incident__in=reassigned[:50], status="cancelled")
    )
    cancelled = calls.filter(status=IncidentStatus.CANCELLED)
    assert 0.03 * calls.count() < cancelled.count() < 0.12 * calls.count()
    assert cancelled.filter(assignments__isnull=True).exists() and cancelled.filter(assignments__isnull=False).exists()
    assert not cancelled.filter(cancelled_at__isnull=True).exists()
    closed = calls.filter(status=IncidentStatus.CLOSED)
    assert not closed.filter(encounters__isnull=True).exists() and not closed.filter(disposition="").exists()


def test_dispositions_include_police_requested_and_a_few_arrests(demo_output, db):
    dispositions = Counter(archive().exclude(disposition="").values_list("disposition", flat=True))
    total = sum(dispositions.values())
    assert set(dispositions) == set(Disposition.values)
    assert 0.4 < dispositions["resolved_on_scene"] / total < 0.55
    assert dispositions["police_requested"] > 100
    assert 10 < dispositions["arrest_by_police"] < 0.02 * total


def test_police_and_ems_co_responses_say_who_asked_and_why(demo_output, db):
    co = CoResponse.objects.filter(incident__in=archive())
    assert co.filter(agency="police").count() > 300 and co.filter(agency="ems").count() > 300
    assert co.filter(requested_via="board").exists() and co.filter(requested_via="tablet").exists()
    assert set(co.values_list("reason", flat=True)) >= {"violence", "crime", "medical", "weapon", "transport"}
    arrests = archive().filter(disposition=Disposition.ARREST_BY_POLICE)
    assert not arrests.filter(co_responses__isnull=True).exists()
    for row in co.select_related("incident")[:500]:
        assert row.incident.received_at <= row.requested_at
        assert row.arrived_at is None or row.requested_at < row.arrived_at < row.left_at


def test_people_served_and_some_people_met_again_and_again(demo_output, db):
    encounters = Encounter.objects.filter(incident__in=archive()).select_related("incident")
    people = Counter()
    for encounter in encounters.prefetch_related("versions"):
        version = encounter.versions.all()[0]
        assert version.number == encounter.current_version == 1
        assert version.created_at == encounter.created_at < encounter.incident.closed_at
        if version.person:
            p = version.person
            people[(p["alias"], p["age_range"], p["housing_status"], encounter.incident.district)] += 1
    assert sum(people.values()) > 5000
    assert sum(1 for n in people.values() if n >= 10) >= 10  # regulars the teams know by name
    assert len(people) > 500
    # Insights counts repeat contacts by the callback number: most numbers call once, the regulars often.
    numbers = Counter(archive().exclude(callback_digest="").values_list("callback_digest", flat=True))
    assert sum(1 for n in numbers.values() if n == 1) > 0.5 * len(numbers)
    assert max(numbers.values()) >= 20


def test_screening_decisions_screened_out_overridden_and_co_responses(demo_output, db):
    decisions = ScreeningDecision.objects.filter(decided_at__lt=archive().order_by("-received_at")[0].received_at)
    out = decisions.filter(response_type=ResponseType.NOT_ELIGIBLE)
    assert out.count() > 500 and not out.filter(incident__isnull=False).exists()
    assert all(d.handbacks.exists() for d in out[:50])
    assert decisions.filter(overridden=True, response_type=ResponseType.ALTERNATIVE).count() > 50
    assert decisions.filter(response_type=ResponseType.CO_RESPONSE_POLICE).count() > 100
    assert decisions.filter(response_type=ResponseType.CO_RESPONSE_EMS).count() > 100
    screened = decisions.filter(incident__isnull=False).select_related("incident")
    for d in screened[:500]:
        assert d.incident.received_at < d.decided_at and d.incident.priority == d.priority
        assert d.incident.source in {"911", "988", "211", "311"}


def test_referrals_go_round_their_loop_with_several_partners(demo_output, db):
    referrals = Referral.objects.filter(encounter__incident__in=archive())
    organisations = Counter(referrals.values_list("service__organization__name", flat=True))
    assert len(organisations) >= 5 and sum(organisations.values()) > 2000
    statuses = Counter(referrals.values_list("status", flat=True))
    assert statuses["closed"] > 0.8 * sum(statuses.values())
    history = ReferralStatusChange.objects.filter(referral__in=referrals)
    reached = Counter(history.values_list("to_status", flat=True))
    for step in ("sent", "accepted", "declined", "in_progress", "delivered", "not_delivered", "closed"):
        assert reached[step] > 20, step
    for referral in referrals.prefetch_related("history", "consent")[:300]:
        steps = list(referral.history.all())
        assert [s.to_status for s in steps][:2] == ["draft", "sent"]
        assert all(a.at <= b.at and a.to_status == b.from_status for a, b in itertools.pairwise(steps))
        assert referral.status == steps[-1].to_status and referral.status_changed_at == steps[-1].at
        assert referral.consent.recorded_at == referral.created_at


def test_follow_ups_done_on_time_late_and_none_left_for_the_rule_sweep(demo_output, db):
    followups = FollowUp.objects.filter(encounter__incident__in=archive())
    done = followups.filter(status=FollowUp.Status.DONE)
    on_time = sum(1 for f in done if f.completed_at <= f.due_at)
    late = done.count() - on_time
    assert on_time > 2 * late > 200
    assert followups.filter(kind=FollowUp.Kind.WELLNESS_DEBRIEF, origin_key__startswith="rule:").count() > 100
    assert followups.filter(status=FollowUp.Status.CANCELLED).exists()
    before = FollowUp.objects.count()
    followups_sweep_rules(limit=5000)
    assert FollowUp.objects.count() == before  # the archive's rule follow-ups are already written


def test_every_team_has_its_shifts_across_the_year(demo_output, db):
    first = archive_start(timezone.now())
    for team in Team.objects.all():
        shifts = Shift.objects.filter(team=team, starts_at__date__gte=first)
        months = by_local_month(shifts.values_list("starts_at", flat=True))
        assert len(months) >= 14 and sum(1 for n in months.values() if n >= 25) >= 13, (team.call_sign, months)
        assert shifts.filter(members__isnull=False).distinct().count() == shifts.count()


def test_the_fiscal_year_to_date_cost_per_call_stands_on_a_year_of_calls(demo_output, db):
    today = timezone.localdate()
    start = date(today.year if today.month >= 7 else today.year - 1, 7, 1)
    figures = figures_for_period(start, today)
    assert figures.calls > 40 * (today - start).days * 0.8
    assert 100 < figures.cost_per_call < 400
    assert figures.team_hours > 0 and figures.people_served > figures.calls * 0.8


def test_the_insights_rollups_count_the_archive(demo_output, db):
    first = archive_start(timezone.now())
    last = timezone.localdate()
    rows = measure_values("calls", start=first, end=last, by="month")
    months = by_local_month(Incident.objects.values_list("received_at", flat=True))
    assert {row["group"]: row["count"] for row in rows if row["count"]} == dict(months)
    assert len(rows) >= 14


def test_the_audit_chain_still_holds_and_the_archive_audited_nothing(demo_output, db):
    assert chain.verify().ok
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "Audit chain intact" in out.getvalue()
    ids = [str(pk) for pk in archive().values_list("pk", flat=True)[:200]]
    assert not AuditEntry.objects.filter(object_type__icontains="incident", object_id__in=ids).exists()


def test_the_same_seed_plans_the_same_calls(demo_output, db):
    def plan(seed):
        rng = random.Random(seed)
        planner = ArchivePlanner(archive_cast(rng=rng), rng)
        days = [date(2026, 1, 5) + timedelta(days=n) for n in range(3)]
        for day in days:
            planner.shifts_for(day)
        calls = [c for day in days for c in planner.calls_for(day, growth=1.0)]
        return [
            (c.received_at, c.kind.code, c.priority, c.source, [(v.team.pk, v.cleared_at) for v in c.visits])
            for c in calls
        ]

    assert plan("a") == plan("a") != plan("b")


def test_a_second_load_writes_nothing(demo_output, db):
    before = (archive().count(), Assignment.objects.count(), FollowUp.objects.count(), Shift.objects.count())
    out = StringIO()
    assert load_archive(now=timezone.now() + timedelta(days=3), stdout=out) == 0
    assert "already loaded" in out.getvalue()
    assert (archive().count(), Assignment.objects.count(), FollowUp.objects.count(), Shift.objects.count()) == before


def test_about_six_in_ten_screened_out_calls_are_reviewed_and_a_few_could_have_been_served(demo_output, db):
    out = ScreeningDecision.objects.filter(response_type=ResponseType.NOT_ELIGIBLE)
    reviewed = out.filter(review__isnull=False)
    assert 0.5 < reviewed.count() / out.count() < 0.7
    yes = reviewed.filter(review__could_have_served="yes").count()
    assert 0.04 < yes / reviewed.count() < 0.2
    start, end = timezone.localdate() - timedelta(days=600), timezone.localdate() + timedelta(days=1)
    share = measure_values("screened_out_could_have_served_share", start=start, end=end)[0]
    assert share["count"] == reviewed.count()
    assert share["value"] == round(100 * yes / reviewed.count(), 1)
