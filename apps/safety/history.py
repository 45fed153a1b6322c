"""Premise history: what the program knows about a call's address before a team arrives.

Prior calls at the same address (normalised text) or within the configured radius over the last
months, with their dates, call types, dispositions and safety flags, and the caution notes
supervisors keep for the location. Every read is audited with the records it showed. Reads only.
"""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import can_dispatch, is_responder
from apps.accounts.selectors import user_team_id
from apps.audit.services import audit_record
from apps.common.errors import NotFound, PermissionRefused
from apps.common.geo import bounding_box, distance_km
from apps.incidents.models import Assignment, Disposition, Incident
from apps.safety import conf
from apps.safety.models import CautionFlag, LocationCaution
from apps.safety.premises import normalize_location


def _near(a_lat, a_lon, b_lat, b_lon, radius_km) -> float | None:
    if None in (a_lat, a_lon, b_lat, b_lon):
        return None
    km = distance_km(a_lat, a_lon, b_lat, b_lon)
    return km if km <= radius_km else None


def _check_reader(actor, incident: Incident) -> None:
    if can_dispatch(actor):
        return
    team = user_team_id(actor) if is_responder(actor) else None
    if team is not None and Assignment.objects.filter(incident=incident, team_id=team).exists():
        return
    raise PermissionRefused(_("Premise history is for dispatch and the teams sent to the call."))


def _history(incident: Incident, *, now) -> dict:
    radius_km = conf.premise_radius_metres() / 1000
    since = now - timedelta(days=30 * conf.premise_months())
    address = normalize_location(incident.location_text)
    lat, lon = incident.latitude, incident.longitude
    # An index-friendly prefilter (same first word, e.g. the house number, or inside the radius's box);
    # the exact rule (same normalised address, or within the radius) is applied in Python below.
    first_word = incident.location_text.split()[0] if incident.location_text.split() else ""
    nearby = Q(location_text__istartswith=first_word) if first_word else Q(pk__in=[])
    if lat is not None and lon is not None:
        south, north, west, east = bounding_box(lat, lon, radius_km)
        nearby |= Q(latitude__range=(south, north), longitude__range=(west, east))
    candidates = (
        Incident.objects.filter(nearby, received_at__gte=since, received_at__lt=incident.received_at)
        .exclude(pk=incident.pk)
        .select_related("call_type")
        .order_by("-received_at")[:500]
    )
    dispositions = dict(Disposition.choices)
    calls = []
    for prior in candidates:
        same = bool(address) and normalize_location(prior.location_text) == address
        km = _near(lat, lon, prior.latitude, prior.longitude, radius_km)
        if not same and km is None:
            continue
        calls.append(
            {
                "incident": prior.pk,
                "reference": prior.reference,
                "received_at": prior.received_at.isoformat(),
                "call_type": prior.call_type.code if prior.call_type_id else None,
                "call_type_name": prior.call_type.shown_name() if prior.call_type_id else None,
                "disposition": prior.disposition or None,
                "disposition_name": str(dispositions[prior.disposition]) if prior.disposition else None,
                "safety_flags": prior.safety_flags or [],
                "match": "address" if same else "nearby",
                "distance_m": round(km * 1000) if km is not None else None,
            }
        )
        if len(calls) >= conf.premise_limit():
            break
    flags = dict(CautionFlag.choices)
    cautions = []
    wanted = Q(normalized_location=address) if address else Q(pk__in=[])
    if lat is not None and lon is not None:
        wanted |= Q(latitude__range=(south, north), longitude__range=(west, east))
    for caution in LocationCaution.objects.filter(wanted, active=True):
        same = bool(address) and caution.normalized_location == address
        if not same and _near(lat, lon, caution.latitude, caution.longitude, radius_km) is None:
            continue
        cautions.append(
            {
                "id": caution.pk,
                "location_text": caution.location_text,
                "flags": caution.flags,
                "flag_names": [str(flags.get(f, f)) for f in caution.flags],
                "note": caution.note,
                "updated_at": caution.updated_at.isoformat(),
            }
        )
    return {
        "incident": incident.pk,
        "radius_m": conf.premise_radius_metres(),
        "months": conf.premise_months(),
        "prior_calls": calls,
        "cautions": cautions,
    }


def premise_history(*, actor, incident_id, via: str, audit: bool = True) -> dict:
    """The premise history of one call, for someone who may read it; audited with what it showed.

    `audit=False` only for a caller that audits the read itself (the tablet's bootstrap, once a window).
    """
    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is None:
        raise NotFound(_("No such incident."))
    _check_reader(actor, incident)
    history = _history(incident, now=timezone.now())
    if not audit:
        return history
    audit_record(
        actor=actor,
        action="premise.view",
        obj=incident,
        detail={"via": via, "cautions": [c["id"] for c in history["cautions"]]},
        record_ids=[c["incident"] for c in history["prior_calls"]],
    )
    return history
