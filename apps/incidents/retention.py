"""De-identifying old calls: what stays for the program's measures, what goes (apps.retention runs it).

A finished call past its retention period keeps what the program counts (when, where to the
district and roughly where, call type, priority, status, disposition, every assignment time, the
needs met and services given, age range, housing status, language) and loses who and what was said:
caller name, callback number, caller and safety notes, the summary, the street address, the
person's name and contact, narratives and notes. Open calls are never touched. Rows are written
with queryset updates because encounter versions are otherwise append-only: retention is the one
sanctioned rewrite, and it is audited by its caller.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.incidents.models import Encounter, EncounterNote, EncounterVersion, Incident
from apps.incidents.states import IncidentStatus

REMOVED = "(removed under the retention policy)"
# The parts of a person's record kept for measures; everything else (name, alias, contact...) goes.
PERSON_KEPT = ("age_range", "housing_status", "language")


def incidents_past_retention(*, cutoff: datetime):
    """Finished calls that ended before `cutoff` and still hold personal details."""
    finished = Q(status=IncidentStatus.CLOSED, closed_at__lt=cutoff) | Q(
        status=IncidentStatus.CANCELLED, cancelled_at__lt=cutoff
    )
    return Incident.objects.filter(finished, deidentified_at__isnull=True)


def incidents_deidentify(*, cutoff: datetime, dry_run: bool = False, batch: int = 500) -> dict:
    """Blank the personal details of finished calls older than `cutoff` and of their encounters.

    Answers counts per record kind; with `dry_run` it only counts.
    """
    ids = list(incidents_past_retention(cutoff=cutoff).values_list("pk", flat=True))
    encounter_ids = list(Encounter.objects.filter(incident_id__in=ids).values_list("pk", flat=True))
    counts = {
        "incidents": len(ids),
        "encounters": len(encounter_ids),
        "encounter_versions": EncounterVersion.objects.filter(encounter_id__in=encounter_ids).count(),
        "encounter_notes": EncounterNote.objects.filter(encounter_id__in=encounter_ids).count(),
    }
    if dry_run:
        return counts
    now = timezone.now()
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        with transaction.atomic():
            _deidentify_chunk(chunk, now=now)
    return counts


def _deidentify_chunk(incident_ids: list, *, now) -> None:
    rows = Incident.objects.select_for_update().filter(pk__in=incident_ids).only("pk", "latitude", "longitude")
    for incident in rows:
        Incident.objects.filter(pk=incident.pk).update(
            summary=REMOVED,
            location_text=REMOVED,
            # About a kilometre: enough for a map of where calls come from, not a doorstep.
            latitude=round(incident.latitude, 2) if incident.latitude is not None else None,
            longitude=round(incident.longitude, 2) if incident.longitude is not None else None,
            callback="",
            caller_name="",
            caller_notes="",
            safety_notes="",
            deidentified_at=now,
        )
    encounter_ids = list(Encounter.objects.filter(incident_id__in=incident_ids).values_list("pk", flat=True))
    for version in EncounterVersion.objects.filter(encounter_id__in=encounter_ids).only("pk", "person"):
        person = version.person if isinstance(version.person, dict) else {}
        kept = {key: person[key] for key in PERSON_KEPT if key in person}
        EncounterVersion.objects.filter(pk=version.pk).update(narrative="", person=kept)
    EncounterNote.objects.filter(encounter_id__in=encounter_ids).update(text=REMOVED)
