"""Each measure against numbers worked out by hand from the history in tests/insights/dataset.py.

Intervals in whole minutes, rounded up (the registry's rule):

| call | to dispatch | dispatch→en route | en route→on scene | to on scene (target)  | on scene |
|------|-------------|-------------------|-------------------|-----------------------|----------|
| C1   | 2           | 1                 | 9                 | 12 (20: within)       | 30       |
| C2   | 1           | 1 (A 14:01→14:02) | 8 (7.5)           | 10 (9.5; 10: within)  | 41 (40.5, to B's clear) |
| C3   | 5 (team C)  | 7 (C 9:05→B 9:12) | 38                | 50 (45: late)         | 30       |
| C5   | 5           | 3                 | 12 (across DST)   | 20 (20: within)       | 30       |
| S1   | 2           | -                 | -                 | 8 (10: within)        | 22       |
C4 (cancelled) is left out.
"""

from datetime import date

import pytest

from apps.common.errors import ApplicationError
from apps.insights.registry import BREAKDOWNS, DIMENSIONS, KINDS, MEASURES, PRIVACY, public_measures
from apps.insights.selectors import calls_behind, measure_values
from apps.insights.services import rollups_rebuild
from tests.insights.dataset import Clock, build, mdt, people

START, END = date(2026, 10, 30), date(2026, 11, 2)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(monkeypatch, supervisor, dispatcher):
    clock = Clock(monkeypatch, mdt(10, 1, 9))
    built = build(people(supervisor=supervisor, dispatcher=dispatcher), clock)
    rollups_rebuild()
    return built


def one(key, **kwargs):
    rows = measure_values(key, start=START, end=END, **kwargs)
    assert len(rows) == 1
    return rows[0]


def by(key, breakdown, field="value"):
    return {row["group"]: row[field] for row in measure_values(key, start=START, end=END, by=breakdown)}


def test_every_measure_is_defined_once_with_its_words_and_allowed_breakdowns():
    for key, measure in MEASURES.items():
        assert measure.key == key
        assert str(measure.name) and str(measure.definition) and str(measure.formula) and measure.unit
        assert measure.kind in KINDS and measure.privacy in PRIVACY and measure.sources
        assert set(measure.breakdowns) <= set(BREAKDOWNS)
        assert {"week", "month"} <= set(measure.breakdowns)
        assert set(measure.breakdowns) - {"week", "month"} <= set(DIMENSIONS)
    public = {m.key for m in public_measures()}
    assert {"calls", "to_on_scene", "disposition_resolved_on_scene", "without_police_share"} <= public
    assert not public & {"repeat_contacts_30", "shift_share_on_calls", "needs_without_partner"}


def test_volume_counts_every_call_on_its_local_day_including_the_cancelled_one(world):
    assert one("calls") == {"group": None, "label": "All", "value": 6, "count": 6}
    assert by("calls", "source") == {"911": 4, "988": 1, "211": 1}
    assert by("calls", "district") == {"North": 3, "South": 2, "": 1}
    assert by("calls", "priority") == {"1": 2, "2": 2, "3": 2}
    assert by("calls", "call_type") == {"welfare_check": 3, "mental_health_crisis": 3}
    # The first team on scene, else the team sent: C2 is A's (first there), C3 is B's (reassigned).
    assert by("calls", "team") == {"CR-A": 4, "CR-B": 1, "CR-C": 1}
    assert by("calls", "month") == {"2026-10": 4, "2026-11": 2}
    # Sunday 1 November (C5 at 01:50 MDT and S1) is in ISO week 44; Monday 2 November opens week 45.
    assert by("calls", "week") == {"2026-W44": 6, "2026-W45": 0}
    assert one("calls_cancelled")["value"] == 1
    assert measure_values("calls", start=date(2026, 11, 1), end=date(2026, 11, 1))[0]["value"] == 2
    assert measure_values("calls", start=date(2026, 10, 31), end=date(2026, 10, 31))[0]["value"] == 2


def test_screening_counts_decisions_in_and_out(world):
    assert one("screenings")["value"] == 2
    assert one("screened_in")["value"] == 1
    assert one("screened_out")["value"] == 1
    assert one("screening_overridden")["value"] == 0
    assert one("screened_in_needed_police") == {"group": None, "label": "All", "value": 0.0, "count": 1}
    version = f"{world.policy.policy.name} v{world.policy.number}"
    assert by("screenings", "policy_version") == {version: 2}


def test_response_intervals_p50_p90_and_share_within_target(world):
    row = one("to_on_scene")
    # 8, 10, 12, 20, 50: the 3rd and the 5th of five; four of five within their priority's target.
    assert row == {"group": None, "label": "All", "value": 12, "count": 5, "p50": 12, "p90": 50, "within_target": 80.0}
    assert (one("to_dispatch")["p50"], one("to_dispatch")["p90"]) == (2, 5)  # 1, 2, 2, 5, 5
    assert (one("dispatch_to_en_route")["p50"], one("dispatch_to_en_route")["p90"]) == (
        1,
        7,
    )  # 1, 1, 3, 7 (S1 went straight on scene)
    assert (one("en_route_to_on_scene")["p50"], one("en_route_to_on_scene")["p90"]) == (9, 38)  # 8, 9, 12, 38
    assert (one("on_scene")["p50"], one("on_scene")["p90"]) == (30, 41)  # 22, 30, 30, 30, 41
    assert one("on_scene")["within_target"] is None
    # Priority 1: C2 (10) and S1 (8); priority 3: C3 only, late.
    assert by("to_on_scene", "priority", "p50") == {"1": 8, "2": 12, "3": 50}
    assert by("to_on_scene", "priority", "within_target") == {"1": 100.0, "2": 100.0, "3": 0.0}


def test_the_call_across_the_clock_change_counts_real_minutes_on_its_local_day(world):
    rows = measure_values("to_on_scene", start=date(2026, 11, 1), end=date(2026, 11, 1), by="source")
    assert {r["group"]: (r["p50"], r["count"]) for r in rows} == {"911": (8, 2)}
    north = measure_values("to_on_scene", start=date(2026, 11, 1), end=date(2026, 11, 1), by="district")
    assert {r["group"]: r["p50"] for r in north} == {"North": 20, "": 8}


def test_outcomes(world):
    assert one("calls_closed")["value"] == 5
    assert one("disposition_resolved_on_scene")["value"] == 2
    assert one("disposition_police_requested")["value"] == 1
    assert one("disposition_referred")["value"] == 1
    assert one("disposition_transported")["value"] == 1
    assert one("disposition_arrest_by_police")["value"] == 0
    # C1 and C2 asked police, C5 asked EMS (not needed in the end), S1 was planned with police.
    assert one("co_responses")["value"] == 4
    assert one("co_responses_planned")["value"] == 1
    assert one("co_responses_requested")["value"] == 3
    assert one("co_response_requests")["value"] == 3
    assert by("co_response_requests", "agency") == {"police": 2, "ems": 1}
    assert by("co_response_requests", "reason") == {"crime": 1, "violence": 1, "transport": 1}
    assert by("co_response_requests", "agency", "label") == {"police": "Police", "ems": "EMS (ambulance)"}
    assert one("people_served")["value"] == 7  # 1 + (2 + 1) + 1 + 1 + 1
    # C1 (police came when asked), C2 (police requested) and S1 (planned with police) had police.
    assert one("calls_without_police")["value"] == 2  # C3, C5 (EMS asked is not police)
    assert one("without_police_share") == {"group": None, "label": "All", "value": 40.0, "count": 5}
    assert by("without_police_share", "source") == {"911": 50.0, "988": 0.0}


def test_repeat_contacts_by_the_callback_digest(world):
    # C1, C2, C5 left a number and were not cancelled; C5 is C1's number two days later.
    assert one("repeat_contacts_30") == {"group": None, "label": "All", "value": 33.3, "count": 3}
    assert one("repeat_contacts_90")["value"] == 33.3
    assert by("repeat_contacts_30", "month") == {"2026-10": 0.0, "2026-11": 100.0}


def test_the_referral_loop_by_partner(world):
    assert one("referrals_sent")["value"] == 2
    assert one("referrals_accepted")["value"] == 2
    assert one("referrals_served")["value"] == 1
    assert one("referrals_closed")["value"] == 1
    step = one("referral_sent_to_accepted")
    assert (step["p50"], step["p90"], step["count"]) == (30, 120, 2)
    assert one("referral_accepted_to_served")["p50"] == 25 * 60  # the night of the clock change had 25 hours
    assert one("referral_served_to_closed")["p50"] == 24 * 60
    shelter = world.partners["shelter"][0].organization
    rows = measure_values("referrals_served", start=START, end=END, by="partner")
    assert {r["label"]: r["value"] for r in rows} == {"Riverton Shelter": 1}
    assert {r["group"] for r in rows} == {str(shelter.pk)}
    assert {r["label"] for r in measure_values("referrals_sent", start=START, end=END, by="partner")} == {
        "Riverton Shelter",
        "Food Bank",
    }


def test_followups_on_time_and_needs_without_partner(world):
    assert one("followups_on_time") == {"group": None, "label": "All", "value": 50.0, "count": 2}
    assert by("followups_on_time", "team") == {"CR-A": 100.0, "CR-B": 0.0}
    assert one("needs_without_partner")["value"] == 3  # shelter (C1); shelter and food (C3)


def test_staffing_hours_split_at_local_midnight_and_share_on_calls(world):
    assert one("team_hours_on_shift") == {"group": None, "label": "All", "value": 21.0, "count": 3}
    days = {
        d: measure_values("team_hours_on_shift", start=d, end=d)[0]["value"]
        for d in (date(2026, 10, 30), date(2026, 10, 31), date(2026, 11, 1))
    }
    assert days == {date(2026, 10, 30): 8.0, date(2026, 10, 31): 4.0, date(2026, 11, 1): 9.0}
    # Busy minutes: A 40 + 39 + 5 + 45, B 45 + 70, C 5 + 28 = 277 of 1,260 on shift.
    assert one("shift_share_on_calls")["value"] == 22.0
    assert by("shift_share_on_calls", "team") == {"CR-A": 16.5, "CR-B": 24.0, "CR-C": None}


def test_a_breakdown_the_measure_does_not_allow_is_refused(world):
    with pytest.raises(ApplicationError):
        measure_values("followups_on_time", start=START, end=END, by="district")
    with pytest.raises(ApplicationError):
        measure_values("calls", start=END, end=START)
    with pytest.raises(ApplicationError):
        measure_values("no_such_measure", start=START, end=END)


def test_the_calls_behind_a_number_are_the_ones_it_counts(world):
    c = {name: call.pk for name, call in world.calls.items() if name != "S2"}
    assert calls_behind("calls", start=START, end=END) == [c["C1"], c["C2"], c["C3"], c["C4"], c["C5"], c["S1"]]
    assert calls_behind("calls_cancelled", start=START, end=END) == [c["C4"]]
    assert calls_behind("disposition_resolved_on_scene", start=START, end=END) == [c["C1"], c["S1"]]
    # A share's calls are its base: the closed calls behind "share handled without police" for 911.
    assert calls_behind("without_police_share", start=START, end=END, by="source", group="911") == [
        c["C1"],
        c["C3"],
        c["C5"],
        c["S1"],
    ]
    assert calls_behind("to_on_scene", start=START, end=END, by="priority", group="1") == [c["C2"], c["S1"]]
    assert calls_behind("calls", start=START, end=END, by="team", group="CR-B") == [c["C3"]]
    assert calls_behind("calls", start=START, end=END, by="district", group="") == [c["S1"]]
    assert calls_behind("calls", start=START, end=END, by="month", group="2026-11") == [c["C5"], c["S1"]]
    assert calls_behind("calls", start=START, end=END, by="week", group="2026-W45") == []
    assert calls_behind("co_response_requests", start=START, end=END, by="agency", group="police") == [c["C1"], c["C2"]]
    assert calls_behind("calls", start=START, end=END, limit=2) == [c["C1"], c["C2"]]
    with pytest.raises(ApplicationError):
        calls_behind("followups_on_time", start=START, end=END)
    with pytest.raises(ApplicationError):
        calls_behind("calls", start=START, end=END, by="partner", group="1")


def test_whole_months_read_from_the_monthly_sums_give_the_same_numbers_as_the_days(world):
    """2026-10-01..2026-11-30 is two whole months (monthly rows); 10-15..12-10 mixes days, one whole
    month and days again; START..END is days only. The history lies inside all three."""
    for key in MEASURES:
        for breakdown in (None, "source", "team"):
            if breakdown and breakdown not in MEASURES[key].breakdowns:
                continue
            expected = measure_values(key, start=START, end=END, by=breakdown)
            for first, last in ((date(2026, 10, 1), date(2026, 11, 30)), (date(2026, 10, 15), date(2026, 12, 10))):
                assert measure_values(key, start=first, end=last, by=breakdown) == expected, (key, breakdown, first)
    months = by_range("calls", date(2026, 9, 20), date(2026, 12, 10), "month")
    assert months == {"2026-09": 0, "2026-10": 4, "2026-11": 2, "2026-12": 0}


def by_range(key, start, end, breakdown):
    return {row["group"]: row["value"] for row in measure_values(key, start=start, end=end, by=breakdown)}
