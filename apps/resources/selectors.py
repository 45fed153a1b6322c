"""Reads of the resource directory for the field: search, the tablets' offline copy, capacity.

The directory holds no person's record, so reads here are not audit-logged; capacity writes are.
Search narrows in SQL first (status, need, language, age, capacity, a bounding box, or without a
point a coarse open-today test), then measures distance and checks hours exactly on the few rows
left, and only then builds the cards of the page it answers.
"""

import math
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from apps.common.days import program_zone
from apps.common.geo import bounding_box, distance_km
from apps.incidents.vocab import NEEDS
from apps.resources import conf
from apps.resources.cards import build_cards, schedules_by_service
from apps.resources.hours import day_codes_for_prefilter, hours_on, hours_summary, is_open, open_state
from apps.resources.models import (
    Attribute,
    Language,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)


def program_now(now: datetime | None = None) -> datetime:
    return (now or timezone.now()).astimezone(program_zone())


@dataclass
class SearchQuery:
    need: str = ""
    latitude: float | None = None
    longitude: float | None = None
    radius_km: float | None = None
    open_now: bool = False
    language: str = ""
    age: int | None = None
    has_capacity: bool = False
    limit: int = 20


def _need_filter(need: str) -> Q:
    need = need.strip()
    attributes = Attribute.objects.filter(link_entity="service")
    if need in NEEDS:
        return Q(pk__in=attributes.filter(taxonomy_term__need_code=need).values("link_id"))
    try:
        term_id = uuid.UUID(need)
    except ValueError:
        term_id = None
    if term_id:
        terms = Q(taxonomy_term_id=term_id) | Q(taxonomy_term__parent_id=term_id)
        return Q(pk__in=attributes.filter(terms).values("link_id"))
    matching_terms = TaxonomyTerm.objects.filter(Q(name__icontains=need) | Q(code__iexact=need)).values("id")
    return (
        Q(name__icontains=need)
        | Q(description__icontains=need)
        | Q(pk__in=attributes.filter(taxonomy_term_id__in=matching_terms).values("link_id"))
    )


def search_queryset(query: SearchQuery, moment: datetime):
    """Everything SQL can decide cheaply; the exact distance and hours checks follow in Python."""
    qs = Service.objects.filter(status=Service.Status.ACTIVE)
    if query.need:
        qs = qs.filter(_need_filter(query.need))
    if query.language:
        langs = Language.objects.filter(Q(code__iexact=query.language) | Q(name__iexact=query.language))
        qs = qs.filter(pk__in=langs.exclude(service_id=None).values("service_id"))
    if query.age is not None:
        qs = qs.filter(Q(minimum_age__isnull=True) | Q(minimum_age__lte=query.age))
        qs = qs.filter(Q(maximum_age__isnull=True) | Q(maximum_age__gte=query.age))
    if query.has_capacity:
        qs = qs.filter(capacity__available__gt=0)
    if query.open_now and query.latitude is None:
        # Without a point to narrow by, skip services with no hours today or yesterday in SQL; with
        # one, the bounding box leaves few enough rows that this extra join costs more than it saves.
        today, yesterday = day_codes_for_prefilter(moment)
        days = Q(byday="") | Q(byday__icontains=today) | Q(byday__icontains=yesterday)
        with_hours = Schedule.objects.filter(days, opens_at__isnull=False)
        qs = qs.filter(
            Q(pk__in=with_hours.exclude(service_id=None).values("service_id"))
            | Q(pk__in=with_hours.exclude(service_at_location=None).values("service_at_location__service_id"))
        )
    return qs


def services_search(*, query: SearchQuery, now: datetime | None = None) -> list[dict]:
    """Services matching the query, nearest first when a point is given (else by name)."""
    moment = program_now(now)
    qs = search_queryset(query, moment)
    distances: dict = {}
    if query.latitude is not None and query.longitude is not None:
        radius = query.radius_km or conf.search_default_radius_km()
        south, north, west, east = bounding_box(query.latitude, query.longitude, radius)
        rows = ServiceAtLocation.objects.filter(
            service__in=qs,
            location__latitude__range=(south, north),
            location__longitude__range=(west, east),
        ).values_list("service_id", "location__latitude", "location__longitude")
        for service_id, lat, lon in rows:
            km = distance_km(query.latitude, query.longitude, lat, lon)
            if km <= radius and km < distances.get(service_id, math.inf):
                distances[service_id] = km
        ordered = sorted(distances, key=lambda sid: (distances[sid], str(sid)))
    elif query.open_now:
        ordered = list(qs.order_by("name", "id").values_list("id", flat=True))
    else:
        ordered = list(qs.order_by("name", "id").values_list("id", flat=True)[: query.limit])
    if query.open_now:
        # Check hours in windows until the page is full, so a long list is not read whole.
        kept, step = [], max(query.limit * 4, 50)
        for start in range(0, len(ordered), step):
            window = ordered[start : start + step]
            schedules = schedules_by_service(Service.objects.filter(pk__in=window).values("pk"))
            kept += [sid for sid in window if is_open(schedules.get(sid, []), moment)]
            if len(kept) >= query.limit:
                break
        ordered = kept
    page = ordered[: query.limit]
    cards, schedules = build_cards(Service.objects.filter(pk__in=page), now=moment)
    by_id = {card["id"]: card for card in cards}
    results = []
    for sid in page:
        item = by_id[str(sid)]
        item["distance_km"] = round(distances[sid], 3) if sid in distances else None
        item["open_now"] = is_open(schedules.get(sid, []), moment)
        item["hours_today"] = hours_on(schedules.get(sid, []), moment.date())
        item["hours_summary"] = hours_summary(schedules.get(sid, []), moment.date())
        item["open_state"] = open_state(schedules.get(sid, []), moment)
        results.append(item)
    return results


def services_for_field_cache() -> list[dict]:
    """Every active service as the tablets keep it for offline search (see contracts)."""
    cards, _ = build_cards(Service.objects.filter(status=Service.Status.ACTIVE).order_by("name", "id"))
    return cards


def service_for_capacity(service_id) -> Service | None:
    return Service.objects.select_related("organization", "capacity").filter(pk=service_id).first()


def organization_names(*, ids) -> dict:
    return dict(Organization.objects.filter(pk__in=list(ids)).values_list("pk", "name"))
