"""Program settings the funding app reads, with their defaults."""

from django.conf import settings


def currency() -> str:
    return getattr(settings, "FIRSTLINE_CURRENCY", "USD")


def fiscal_year_start_month() -> int:
    return int(getattr(settings, "FIRSTLINE_FISCAL_YEAR_START_MONTH", 7))


def police_minutes_per_call() -> dict[str, int]:
    """Minutes of police time a call of each type would have taken (`default` for the rest)."""
    minutes = dict(getattr(settings, "FIRSTLINE_POLICE_MINUTES_PER_CALL", {}) or {})
    minutes.setdefault("default", 90)
    return minutes


BILLABLE_DEFAULTS = {
    # Certifications (apps.teams Certification.Kind) that make a responder a qualified
    # behavioural-health professional for the claim.
    "qualified_certifications": ["clinical_license"],
    # People on the crew at the time, at least (a mobile crisis team is more than one person).
    "min_crew": 2,
    # Minutes from arriving on scene to clearing, at least (one 15-minute billing unit by default).
    "min_minutes": 15,
    # The coverage recorded on the encounter that this payer reimburses.
    "coverage": ["medicaid"],
}


def billable_criteria() -> dict:
    """The program's criteria for a Medicaid mobile-crisis encounter (`FIRSTLINE_BILLABLE_ENCOUNTER`
    overrides any of BILLABLE_DEFAULTS). Face-to-face contact is always required."""
    criteria = dict(BILLABLE_DEFAULTS)
    criteria.update(getattr(settings, "FIRSTLINE_BILLABLE_ENCOUNTER", {}) or {})
    return criteria


def burn_rate_min_days() -> int:
    """Days of a source's period that must pass before its pace is trusted enough to warn."""
    return int(getattr(settings, "FIRSTLINE_BURN_RATE_MIN_DAYS", 30))


def unspent_warning_percent() -> int:
    """Warn of money left unspent when the projection leaves more than this percent of the award."""
    return int(getattr(settings, "FIRSTLINE_UNSPENT_WARNING_PERCENT", 10))
