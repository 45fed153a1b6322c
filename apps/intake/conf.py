"""Intake settings, read with defaults so the app works before the shared settings name them."""

from django.conf import settings


def duplicate_distance_m() -> float:
    """How close (metres) a new call must be to an open incident to be flagged as a likely duplicate."""
    return float(getattr(settings, "FIRSTLINE_DUPLICATE_DISTANCE_METERS", 200))


def duplicate_window_minutes() -> float:
    """How recent (minutes) the open incident must be for a new call near it to be flagged."""
    return float(getattr(settings, "FIRSTLINE_DUPLICATE_MINUTES", 60))


def open311_default_days() -> int:
    """GeoReport v2: without dates, GET requests returns the last 90 days."""
    return int(getattr(settings, "FIRSTLINE_OPEN311_DEFAULT_DAYS", 90))


def program_agency_uri() -> str:
    """How Firstline names itself as an agency in the EIDO it emits."""
    return getattr(settings, "FIRSTLINE_EIDO_AGENCY_ID", "urn:firstline:agency:community-response")


def program_name() -> str:
    return getattr(settings, "FIRSTLINE_PROGRAM_NAME", "Firstline Community Response")


def eido_issuing_element() -> str:
    """NENA `issuingElementIdentification`: the functional element that creates Firstline's EIDOs."""
    return getattr(settings, "FIRSTLINE_EIDO_ISSUING_ELEMENT", "firstline.community-response.example")


def eido_agency_type() -> list[str]:
    """NENA `agencyType` (IANA urn:emergency:service:responder values, without the prefix)."""
    return list(getattr(settings, "FIRSTLINE_EIDO_AGENCY_TYPE", ["crisis_response.community"]))


def eido_agency_role() -> list[str]:
    """NENA `agencyRoleDescriptionRegistryText` for the program's own agency component."""
    return list(getattr(settings, "FIRSTLINE_EIDO_AGENCY_ROLE", ["Responding"]))


def geocode_min_score() -> float:
    """The geocoder's score (0-1) a call's address must reach for its coordinates to be taken unasked."""
    return float(getattr(settings, "FIRSTLINE_GEOCODE_MIN_SCORE", 0.75))
