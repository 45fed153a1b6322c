"""Reads: the appendix of a funder report, the measures the source asked for (`FundingSource.measures`,
empty means all). Firstline has no insights registry yet, so these are the program's own operational
measures, computed from aggregates (no person's record is shown; the billable count checks encounters
and reports only how many passed).
"""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from apps.funding.billable import billable_encounters
from apps.funding.models import FundingSource, Measure
from apps.funding.selectors import Figures, _instant
from apps.incidents.selectors import incident_measures_for_period


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def appendix_measures(source: FundingSource, figures: Figures) -> list[tuple[str, object]]:
    """(measure code, value) for each measure the source asked for, in the registry's order; a value
    is None when it cannot be computed for the period."""
    wanted = [m for m in Measure.values if not source.measures or m in source.measures]
    start, end = figures.start, figures.end
    operational = {}
    if {Measure.RESOLVED_ON_SCENE, Measure.REFERRED, Measure.TRANSPORTED, Measure.MEDIAN_RESPONSE} & set(wanted):
        operational = incident_measures_for_period(start=_instant(start), end=_instant(end + timedelta(days=1)))
    by_disposition = operational.get("by_disposition", {})
    values = {
        Measure.CALLS: lambda: figures.calls,
        Measure.WITHOUT_POLICE: lambda: figures.calls_without_police,
        Measure.SHARE_WITHOUT_POLICE: lambda: _percent(figures.calls_without_police, figures.calls),
        Measure.POLICE_HOURS: lambda: figures.police_hours_avoided,
        Measure.PEOPLE_SERVED: lambda: figures.people_served,
        Measure.RESOLVED_ON_SCENE: lambda: by_disposition.get("resolved_on_scene", 0),
        Measure.REFERRED: lambda: by_disposition.get("referred", 0),
        Measure.TRANSPORTED: lambda: by_disposition.get("transported", 0),
        Measure.MEDIAN_RESPONSE: lambda: (
            None
            if operational.get("median_response_minutes") is None
            else Decimal(str(operational["median_response_minutes"])).quantize(Decimal("0.1"), ROUND_HALF_UP)
        ),
        Measure.BILLABLE: lambda: _billable(start, end),
    }
    return [(code, values[code]()) for code in wanted]


def _billable(start: date, end: date) -> str:
    rows = billable_encounters(start, end)
    return f"{sum(1 for r in rows if r.billable)} / {len(rows)}"
