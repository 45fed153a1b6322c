"""Service cards: what a responder needs to know about a service, for search results and the tablets.

Built from values() rows, a fixed number of queries whatever the number of services, each scoped
by a subquery (never a list of 20,000 ids), because the tablets' offline copy is the whole
directory. Reads only.
"""

from collections import defaultdict
from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from apps.resources import conf
from apps.resources.hours import weekly_hours
from apps.resources.models import Address, Attribute, Language, Phone, Schedule, ServiceAtLocation, ServiceCapacity

SCHEDULE_FIELDS = ("id", "freq", "byday", "opens_at", "closes_at", "valid_from", "valid_to")
SERVICE_FIELDS = (
    "id", "name", "description", "url", "eligibility_description", "minimum_age", "maximum_age",
    "organization_id", "organization__name",
)  # fmt: skip


def capacity_payload(capacity, now=None) -> dict | None:
    """Capacity with its freshness; `capacity` is a ServiceCapacity or anything with its fields."""
    if capacity is None:
        return None
    now = now or timezone.now()
    stale_after = timedelta(hours=conf.capacity_stale_hours())
    stale = capacity.updated_at is None or now - capacity.updated_at > stale_after
    return {
        "available": capacity.available,
        "total": capacity.total,
        "unit": capacity.unit,
        "updated_at": capacity.updated_at.isoformat() if capacity.updated_at else None,
        "stale": stale,
    }


def _one_line(address: dict) -> str:
    region = f"{address['state_province']} {address['postal_code']}".strip()
    parts = [address["address_1"], address["address_2"], address["city"], region]
    return ", ".join(p for p in parts if p)


def schedules_by_service(scope) -> dict:
    """Schedules (as simple objects) of every service in `scope`, direct or through its locations."""
    found = defaultdict(dict)
    for row in Schedule.objects.filter(service__in=scope).values("service_id", *SCHEDULE_FIELDS):
        found[row.pop("service_id")][row["id"]] = SimpleNamespace(**row)
    via = Schedule.objects.filter(service_at_location__service__in=scope).values(
        "service_at_location__service_id", *SCHEDULE_FIELDS
    )
    for row in via:
        found[row.pop("service_at_location__service_id")][row["id"]] = SimpleNamespace(**row)
    return {service_id: list(by_id.values()) for service_id, by_id in found.items()}


def build_cards(services_qs, *, now=None) -> tuple[list[dict], dict]:
    """Cards for every service in the queryset, in its order, and their schedules by service id."""
    now = now or timezone.now()
    scope = services_qs.values("pk")
    rows = list(services_qs.values(*SERVICE_FIELDS))
    sites = defaultdict(list)
    sal_rows = ServiceAtLocation.objects.filter(service__in=scope).order_by("id")
    for row in sal_rows.values("service_id", "location_id", "location__latitude", "location__longitude"):
        sites[row["service_id"]].append(row)
    addresses = {}
    address_rows = Address.objects.filter(location__service_at_locations__service__in=scope).order_by("-id")
    for row in address_rows.values("location_id", "address_1", "address_2", "city", "state_province", "postal_code"):
        addresses[row["location_id"]] = _one_line(row)
    phones = {}
    for row in (
        Phone.objects.filter(service_at_location__service__in=scope)
        .order_by("-id")
        .values("service_at_location__service_id", "number")
    ):
        phones[row["service_at_location__service_id"]] = row["number"]
    for row in Phone.objects.filter(service__in=scope).order_by("-id").values("service_id", "number"):
        phones[row["service_id"]] = row["number"]  # a service's own phone wins over a site's
    languages = defaultdict(set)
    for row in Language.objects.filter(service__in=scope).values("service_id", "code", "name"):
        if row["code"] or row["name"]:
            languages[row["service_id"]].add(row["code"] or row["name"])
    capacities = {
        row["service_id"]: SimpleNamespace(**row)
        for row in ServiceCapacity.objects.filter(service__in=scope).values(
            "service_id", "available", "total", "unit", "updated_at"
        )
    }
    needs = defaultdict(set)
    need_rows = Attribute.objects.filter(link_entity="service", link_id__in=scope).exclude(taxonomy_term__need_code="")
    for link_id, code in need_rows.values_list("link_id", "taxonomy_term__need_code"):
        needs[link_id].add(code)
    schedules = schedules_by_service(scope)
    cards = []
    for row in rows:
        sid = row["id"]
        located = [s for s in sites.get(sid, []) if s["location__latitude"] is not None]
        site = (located or sites.get(sid) or [None])[0]
        cards.append(
            {
                "id": str(sid),
                "name": row["name"],
                "description": row["description"],
                "organization": row["organization__name"],
                "organization_id": str(row["organization_id"]),
                "address": addresses.get(site["location_id"], "") if site else "",
                "latitude": site["location__latitude"] if site else None,
                "longitude": site["location__longitude"] if site else None,
                "phone": phones.get(sid, ""),
                "url": row["url"],
                "hours": weekly_hours(schedules.get(sid, [])),
                "eligibility": row["eligibility_description"],
                "min_age": row["minimum_age"],
                "max_age": row["maximum_age"],
                "languages": sorted(languages.get(sid, ())),
                "needs": sorted(needs.get(sid, ())),
                "capacity": capacity_payload(capacities.get(sid), now),
            }
        )
    return cards, schedules
