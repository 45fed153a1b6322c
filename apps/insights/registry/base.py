"""The shape of a measure, the vocabularies measures are defined with, and the arithmetic of
percentiles over whole-minute histograms. Pure data and arithmetic: no query, no model."""

import math
from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

BREAKDOWNS = (
    "week",
    "month",
    "call_type",
    "priority",
    "source",
    "team",
    "district",
    "partner",
    "policy_version",
    "agency",
    "reason",
    "theme",
    "question",
)
BREAKDOWN_LABELS = {
    "week": _("Week"),
    "month": _("Month"),
    "call_type": _("Call type"),
    "priority": _("Priority"),
    "source": _("Source"),
    "team": _("Team"),
    "district": _("District"),
    "partner": _("Partner organization"),
    "policy_version": _("Policy version"),
    "agency": _("Agency"),
    "reason": _("Reason"),
    "theme": _("Theme"),
    "question": _("Question"),
}
# The dimensions a rollup row is kept by: each breakdown except week and month, which add up days
# (theme and question are read by the measures of listening only, never from the rollups).
DIMENSIONS = ("all", *(b for b in BREAKDOWNS if b not in ("week", "month")))

KINDS = ("count", "share", "duration")
PRIVACY = ("public", "program", "restricted")

CALLS = ("incidents.Incident",)
ASSIGNMENTS = ("incidents.Incident", "incidents.Assignment")
OUTCOMES = (
    "incidents.Incident",
    "incidents.Encounter",
    "incidents.EncounterVersion",
    "intake.ScreeningDecision",
    "safety.CoResponse",
)
SCREENING = ("intake.ScreeningDecision", "intake.PolicyVersion", "incidents.Incident", "incidents.Encounter")
REFERRALS = ("followups.Referral", "followups.ReferralStatusChange", "resources.Organization", "incidents.Incident")
CALL_BREAKDOWNS = ("week", "month", "call_type", "priority", "source", "team", "district")
SCREENING_BREAKDOWNS = ("week", "month", "call_type", "priority", "source", "district", "policy_version")
REFERRAL_BREAKDOWNS = ("week", "month", "call_type", "priority", "source", "team", "district", "partner")
TEAM_BREAKDOWNS = ("week", "month", "team")
CO_RESPONSE_BREAKDOWNS = (*CALL_BREAKDOWNS, "agency", "reason")

# The intervals of a response, in the order they happen: the fact's field, what it spans.
INTERVALS = ("to_dispatch", "dispatch_to_en_route", "en_route_to_on_scene", "to_on_scene", "on_scene")
REFERRAL_STEPS = ("referral_sent_to_accepted", "referral_accepted_to_served", "referral_served_to_closed")

# Dispositions (apps.incidents.models.Disposition) that mean police or EMS came to the call.
POLICE_DISPOSITIONS = ("police_requested", "arrest_by_police")
EMS_DISPOSITIONS = ("ems_requested",)
CO_RESPONSE_TYPES = ("co_response_police", "co_response_ems", "secondary")
# Follow-ups with a person served; debriefs and certification renewals are about staff.
PERSON_FOLLOWUP_KINDS = ("check_in_call", "visit", "welfare_recheck", "referral_check")


@dataclass(frozen=True)
class Measure:
    key: str
    name: str
    definition: str
    formula: str
    unit: str
    kind: str
    sources: tuple[str, ...]
    privacy: str
    breakdowns: tuple[str, ...]
    # How the value is read from the rollups: a count is `counter`; a share is `counter` out of
    # `base` (percent); a duration is the histogram `histogram`, and `counter` calls within target.
    counter: str = ""
    base: str = ""
    histogram: str = ""
    scale: float = 1.0  # a count's counter is divided by it (seconds -> hours)
    records: str = ""  # the counter of records the value rests on, when not the counter or base
    # Not from the rollups: "feedback" measures are read from apps.feedback and apps.followups
    # directly (a few hundred records a year; apps/insights/listening.py).
    reader: str = ""


def count(key, name, definition, formula, *, unit, sources, privacy, breakdowns, counter=None, **extra):
    return Measure(key, name, definition, formula, unit, "count", sources, privacy, breakdowns, counter or key, **extra)


def share(key, name, definition, formula, *, sources, privacy, breakdowns, counter, base, **extra):
    return Measure(
        key, name, definition, formula, "percent", "share", sources, privacy, breakdowns, counter, base, **extra
    )


def duration(key, name, definition, formula, *, sources, privacy, breakdowns, target="", rule=None, **extra):
    definition = format_lazy("{} {}", definition, rule or DURATION_RULE)  # every duration is counted the same way
    return Measure(
        key, name, definition, formula, "minutes", "duration", sources, privacy, breakdowns, target, "", key, **extra
    )


DURATION_RULE = _(
    "Minutes are counted whole and rounded up (7 minutes 10 seconds counts as 8). The median (p50) and "
    "the 90th percentile (p90) are the nearest-rank values: the smallest number of minutes that half, "
    "or nine in ten, of them did not exceed. Cancelled calls are left out."
)


def minutes_bin(seconds: int) -> int:
    """An interval's histogram bin: whole minutes, rounded up (a negative interval counts as 0)."""
    return max(0, math.ceil(seconds / 60))


def percentile(histogram: dict, fraction: float) -> int | None:
    """The nearest-rank percentile of a {minutes: count} histogram: the smallest bin that at least
    `fraction` of the values do not exceed. None when it is empty."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = max(1, math.ceil(fraction * total))
    seen = 0
    for minutes in sorted(histogram, key=int):
        seen += histogram[minutes]
        if seen >= rank:
            return int(minutes)
    return None  # pragma: no cover - unreachable: the counts add up to total
