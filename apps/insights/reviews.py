"""The sums behind the measures of screening reviews (registry/reviews.py, reader "screening_review"):
the screened-out decisions of the local days asked and their current review, read through
apps.intake's selector and added up by local day (or by call type or policy version) into the
counters the registry names, so `selectors.measure_values` shapes them as it shapes the rollups'."""

from collections import Counter, defaultdict
from datetime import date

from apps.common.days import day_bounds, local_day
from apps.insights.registry import Measure
from apps.intake.selectors import screening_reviews_for_measures


def review_sums(measure: Measure, *, start: date, end: date, by: str | None) -> list[tuple[object, Counter, Counter]]:
    """[(local day, or the call type or policy version when `by` is one; counters; empty histogram)]."""
    since, until = day_bounds(start)[0], day_bounds(end)[1]
    counts: dict[object, Counter] = defaultdict(Counter)
    for at, version, call_type, answer in screening_reviews_for_measures(since=since, until=until):
        key = {"call_type": call_type, "policy_version": version}.get(by, local_day(at))
        counts[key].update(
            {
                "screened_out": 1,
                "screened_out_reviewed": int(bool(answer)),
                "screened_out_could_have_served": int(answer == "yes"),
            }
        )
    return [(key, counts[key], Counter()) for key in counts]
