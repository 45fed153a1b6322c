"""A timeline entry written for another app (an emergency on the call): one of the timeline's
sentences, in the caller's transaction. It changes nothing else about the call."""

from datetime import datetime

from apps.incidents.models import Incident
from apps.incidents.services.shared import _log


def incident_timeline_add(
    *, incident: Incident, kind: str, message: str, params: dict, actor, at: datetime, data: dict | None = None
) -> None:
    """Add one entry to a call's timeline; the caller has checked who acts and holds the transaction."""
    _log(incident, kind=kind, message=message, params=params, actor=actor, at=at, data=data)
