"""Small builders for directory records in tests (services with a place, hours, languages, needs)."""

import uuid
from datetime import time

from apps.resources.models import (
    Address,
    Attribute,
    Language,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    TaxonomyTerm,
)

DOWNTOWN = (39.747, -104.992)


def need_term(code: str) -> TaxonomyTerm:
    term, _ = TaxonomyTerm.objects.get_or_create(
        code=code, defaults={"name": code.replace("_", " ").title(), "description": code, "need_code": code}
    )
    return term


def make_service(
    name: str,
    *,
    organization: Organization | None = None,
    at: tuple[float, float] | None = DOWNTOWN,
    hours: list[tuple[str, str, str]] | None = None,
    needs: tuple[str, ...] = (),
    languages: tuple[str, ...] = (),
    min_age: int | None = None,
    max_age: int | None = None,
    available: int | None = None,
    updated_at=None,
) -> Service:
    """hours: [("MO,TU", "09:00", "17:00")]; closes before opens means past midnight."""
    organization = organization or Organization.objects.create(name=f"{name} org", description="Test organization")
    service = Service.objects.create(
        organization=organization, name=name, description=f"{name} for tests", minimum_age=min_age, maximum_age=max_age
    )
    if at is not None:
        location = Location.objects.create(name=f"{name} site", latitude=at[0], longitude=at[1])
        Address.objects.create(
            location=location,
            address_1="1 Main St",
            city="Riverton",
            state_province="CO",
            postal_code="80202",
            country="US",
            address_type="physical",
        )
        ServiceAtLocation.objects.create(service=service, location=location)
    for byday, opens, closes in hours or []:
        Schedule.objects.create(
            service=service,
            freq="WEEKLY",
            byday=byday,
            opens_at=time.fromisoformat(opens),
            closes_at=time.fromisoformat(closes),
        )
    for code in needs:
        Attribute.objects.create(
            id=uuid.uuid4(), link_id=service.pk, link_entity="service", taxonomy_term=need_term(code)
        )
    for code in languages:
        Language.objects.create(service=service, code=code, name=code)
    if available is not None or updated_at is not None:
        ServiceCapacity.objects.create(service=service, available=available, total=20, updated_at=updated_at)
    return service
