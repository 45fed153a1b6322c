"""Every measure of the program, defined once: what it counts in plain words, how, from which
tables, who may see it and how it may be broken down. The insights pages, the public dashboard,
the "how we count" page and the open data all read this registry; `selectors.measure_values`
computes any measure from the rollups (apps/insights/models.py) by the counters named here.

Pure data and arithmetic: no query, no model. `base` holds the shape and the arithmetic; `calls`
the measures of calls (volume, screening, response, outcomes); `loop` referrals, follow-ups,
unmet needs and staffing; `feedback` community feedback, outreach and partners' word on handoffs;
`reviews` supervisors' reviews of screened-out calls.
"""

from apps.insights.registry import calls, feedback, loop, reviews
from apps.insights.registry.base import (
    BREAKDOWN_LABELS,
    BREAKDOWNS,
    CO_RESPONSE_TYPES,
    DIMENSIONS,
    EMS_DISPOSITIONS,
    INTERVALS,
    KINDS,
    PERSON_FOLLOWUP_KINDS,
    POLICE_DISPOSITIONS,
    PRIVACY,
    REFERRAL_STEPS,
    Measure,
    minutes_bin,
    percentile,
)
from apps.insights.registry.calls import DISPOSITIONS

MEASURES: dict[str, Measure] = {
    m.key: m for m in [*calls.MEASURES, *loop.MEASURES, *feedback.MEASURES, *reviews.MEASURES]
}


def public_measures() -> list[Measure]:
    return [m for m in MEASURES.values() if m.privacy == "public"]


__all__ = [
    "BREAKDOWNS",
    "BREAKDOWN_LABELS",
    "CO_RESPONSE_TYPES",
    "DIMENSIONS",
    "DISPOSITIONS",
    "EMS_DISPOSITIONS",
    "INTERVALS",
    "KINDS",
    "MEASURES",
    "PERSON_FOLLOWUP_KINDS",
    "POLICE_DISPOSITIONS",
    "PRIVACY",
    "REFERRAL_STEPS",
    "Measure",
    "minutes_bin",
    "percentile",
    "public_measures",
]
