"""Demo directory for the fictional city of Riverton: ~25 services under a handful of organizations.

Idempotent: every record has a stable uuid5 id and is written with update_or_create; capacity is
only set the first time, so a partner's later update survives a second `load_demo`. All names,
addresses and numbers are invented.
"""

import uuid
import zlib
from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone

from apps.demo.city import demo_uuid
from apps.incidents.vocab import NEEDS
from apps.resources.models import (
    Address,
    Attribute,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    Taxonomy,
    TaxonomyTerm,
)

EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"
WEEKDAYS = "MO,TU,WE,TH,FR"


def _id(name: str) -> uuid.UUID:
    return demo_uuid(name)  # the core demo's ids, so both agree on the shelter


# (name, partnership, agreement start, description)
ORGANIZATIONS = [
    ("Riverton Community Shelter", "formal", date(2024, 7, 1), "Emergency shelter, meals and case management."),
    ("Front Range Recovery Center", "formal", date(2025, 1, 15), "Withdrawal management and substance-use care."),
    ("Mile High Behavioral Health", "formal", date(2024, 3, 1), "Crisis stabilization and walk-in mental health."),
    ("Riverton Food Bank", "informal", None, "Food pantries and community meals across Riverton."),
    ("South Park Community Clinic", "informal", None, "Primary care, street medicine and prescriptions."),
    ("Safe Harbor", "formal", date(2025, 6, 1), "Domestic-violence hotline, advocacy and confidential shelter."),
    ("Riverton Youth Alliance", "none", None, "Drop-in center and shelter for young people."),
    ("Veterans Outreach of Riverton", "none", None, "Benefits and housing help for veterans."),
    ("Riverton Legal Aid", "none", None, "Free legal help, ID recovery and benefits appeals."),
]

# (organization, service, needs, hours [(byday, opens, closes)], site (lat, lon, street), languages,
#  ages (min, max), capacity (total, available, unit, hours since update) or None, description)
SERVICES = [
    ("Riverton Community Shelter", "Emergency overnight shelter", ("shelter",), [(EVERY_DAY, "18:00", "08:00")],
     (39.7502, -104.9951, "1410 Larch Ave"), ("en", "es"), (18, None), (80, 6, "beds", 2),
     "Beds for adults, open 6 pm to 8 am; walk-ins and team drop-offs welcome."),
    ("Riverton Community Shelter", "Housing case management", ("housing", "case_management", "id_documents"),
     [(WEEKDAYS, "09:00", "17:00")], (39.7502, -104.9951, "1410 Larch Ave"), ("en", "es"), (18, None), None,
     "A case manager helps with IDs, benefits and a housing plan."),
    ("Riverton Community Shelter", "Family shelter", ("shelter",), [(EVERY_DAY, "17:00", "09:00")],
     (39.7705, -105.0101, "220 Mill St"), ("en", "es", "vi"), (None, None), (12, 1, "family rooms", 5),
     "Rooms for parents with children; call ahead after 9 pm."),
    ("Riverton Community Shelter", "Day warming center", ("clothing", "hygiene", "food"),
     [(EVERY_DAY, "07:00", "19:00")], (39.7489, -104.9902, "55 Court Pl"), ("en",), (None, None), None,
     "Warm space, showers, coffee and winter clothing."),
    ("Front Range Recovery Center", "Withdrawal management (detox)", ("detox", "substance_use"),
     [(EVERY_DAY, "00:00", "00:00")], (39.7421, -104.9205, "3100 Colfax Ave"), ("en", "es"), (18, None),
     (24, 3, "beds", 1), "Medically monitored detox, admissions around the clock."),
    ("Front Range Recovery Center", "Outpatient substance-use treatment", ("substance_use",),
     [(WEEKDAYS, "08:00", "18:00")], (39.7421, -104.9205, "3100 Colfax Ave"), ("en",), (16, None), None,
     "Counseling and medication for opioid and alcohol use disorders."),
    ("Front Range Recovery Center", "Sobering center", ("detox", "substance_use"), [(EVERY_DAY, "20:00", "08:00")],
     (39.7531, -104.9987, "900 Union Blvd"), ("en", "es"), (18, None), (16, 9, "mats", 30),
     "A safe place to sober up overnight, staffed by nurses and peers."),
    ("Mile High Behavioral Health", "Crisis stabilization unit", ("crisis_stabilization", "mental_health"),
     [(EVERY_DAY, "00:00", "00:00")], (39.7355, -105.0385, "4500 Hilltop Dr"), ("en", "es", "ar"), (18, None),
     (16, 2, "beds", 3), "Short stays for people in a mental-health crisis; teams may drop off directly."),
    ("Mile High Behavioral Health", "Walk-in mental-health clinic", ("mental_health", "medication"),
     [(WEEKDAYS, "08:00", "20:00"), ("SA", "10:00", "16:00")], (39.7455, -104.9870, "1600 Market St"),
     ("en", "es"), (None, None), None, "Same-day assessment, counseling and prescriptions."),
    ("Mile High Behavioral Health", "Youth crisis line", ("mental_health", "youth"), [(EVERY_DAY, "00:00", "00:00")],
     None, ("en", "es"), (10, 24), None, "Phone and text support for young people, any hour."),
    ("Riverton Food Bank", "Eastgate food pantry", ("food",), [("TU,TH", "10:00", "18:00"), ("SA", "09:00", "13:00")],
     (39.7398, -104.9156, "75 Quince St"), ("en", "es", "am"), (None, None), None,
     "Groceries once a week, no ID needed."),
    ("Riverton Food Bank", "Northside food pantry", ("food",), [("MO,WE,FR", "11:00", "17:00")],
     (39.7891, -104.9840, "410 Howell Rd"), ("en", "es"), (None, None), None, "Groceries and baby supplies."),
    ("Riverton Food Bank", "Community meal Downtown", ("food",), [(EVERY_DAY, "17:00", "19:00")],
     (39.7470, -104.9935, "120 2nd St"), ("en",), (None, None), None, "Hot dinner every evening, all welcome."),
    ("South Park Community Clinic", "Primary care walk-in", ("medical",), [(WEEKDAYS, "08:00", "17:00")],
     (39.7081, -104.9652, "2200 Evans Ave"), ("en", "es", "vi"), (None, None), None,
     "Walk-in primary care on a sliding scale; wound care and vaccinations."),
    ("South Park Community Clinic", "Street medicine van", ("medical", "hygiene"), [("MO,WE,FR", "18:00", "23:00")],
     (39.7079, -104.9660, "2200 Evans Ave"), ("en", "es"), (None, None), None,
     "Nurses and a doctor visit camps and bus shelters in the evening."),
    ("South Park Community Clinic", "Prescription assistance", ("medication", "benefits"),
     [(WEEKDAYS, "09:00", "16:00")], (39.7081, -104.9652, "2200 Evans Ave"), ("en", "es"), (None, None), None,
     "Help paying for and refilling prescriptions."),
    ("Safe Harbor", "Domestic-violence hotline", ("domestic_violence",), [(EVERY_DAY, "00:00", "00:00")], None,
     ("en", "es", "ko"), (None, None), None, "Confidential advocacy and safety planning by phone, any hour."),
    ("Safe Harbor", "Confidential emergency shelter", ("domestic_violence", "shelter"),
     [(EVERY_DAY, "00:00", "00:00")], None, ("en", "es"), (None, None), (20, 0, "beds", 20),
     "Shelter at an undisclosed address; arranged through the hotline."),
    ("Riverton Youth Alliance", "Youth drop-in center", ("youth", "food", "hygiene"),
     [(WEEKDAYS, "10:00", "18:00")], (39.7650, -105.0080, "31 River Rd"), ("en", "es"), (12, 24), None,
     "Meals, showers, laundry and case managers for ages 12 to 24."),
    ("Riverton Youth Alliance", "Youth overnight shelter", ("youth", "shelter"), [(EVERY_DAY, "19:00", "07:00")],
     (39.7662, -105.0091, "45 River Rd"), ("en", "es"), (12, 20), (14, 2, "beds", 8),
     "Overnight beds for young people; no parental consent needed for the first night."),
    ("Veterans Outreach of Riverton", "Veterans benefits help", ("veterans", "benefits", "housing"),
     [("TU,WE,TH", "09:00", "15:00")], (39.7440, -104.9901, "700 Court Pl"), ("en",), (18, None), None,
     "Help with VA claims, housing vouchers and discharge paperwork."),
    ("Riverton Legal Aid", "ID recovery clinic", ("id_documents",), [("WE", "13:00", "17:00")],
     (39.7468, -104.9921, "1 City Hall Plaza"), ("en", "es"), (None, None), None,
     "Replacement birth certificates, state IDs and fee waivers."),
    ("Riverton Legal Aid", "Legal help desk", ("legal", "benefits"), [("MO,TH", "09:00", "12:00")],
     (39.7468, -104.9921, "1 City Hall Plaza"), ("en", "es"), (None, None), None,
     "Tickets, warrants, evictions and benefits appeals."),
    ("Riverton Legal Aid", "Family reconnection line", ("family_contact",), [(WEEKDAYS, "09:00", "17:00")], None,
     ("en",), (None, None), None, "Helps people find and reach family members, with their consent."),
    ("Riverton Community Shelter", "Ride to shelter vouchers", ("transportation",), [(EVERY_DAY, "16:00", "23:00")],
     None, ("en",), (None, None), None, "Taxi vouchers to any Riverton shelter, arranged by the shelter desk."),
]  # fmt: skip


def _needs_taxonomy() -> dict[str, TaxonomyTerm]:
    taxonomy, _ = Taxonomy.objects.update_or_create(
        id=_id("taxonomy:firstline-needs"),
        defaults={"name": "Firstline needs", "description": "The program's shared words for needs.", "version": "1"},
    )
    terms = {}
    for code, label in NEEDS.items():
        terms[code], _ = TaxonomyTerm.objects.update_or_create(
            id=_id(f"term:{code}"),
            defaults={"code": code, "name": label, "description": label, "taxonomy_detail": taxonomy,
                      "taxonomy": "Firstline needs", "need_code": code},
        )  # fmt: skip
    return terms


def load_demo_data(*, stdout) -> None:
    now = timezone.now()
    with transaction.atomic():
        terms = _needs_taxonomy()
        organizations = {}
        for name, status, start, description in ORGANIZATIONS:
            organization = Organization.objects.filter(name=name).first()
            if organization is None:
                organization = Organization.objects.create(id=_id(f"organization:{name}"), name=name)
            organization.description = organization.description or description
            organization.partnership_status = status
            organization.agreement_start = start
            organization.save()
            organizations[name] = organization
        for row in SERVICES:
            org_name, name, needs, hours, site, languages, ages, capacity, description = row
            service = Service.objects.filter(organization=organizations[org_name], name=name).first()
            service_id = service.pk if service else _id(f"service:{name}")
            service, _ = Service.objects.update_or_create(
                id=service_id,
                defaults={"organization": organizations[org_name], "name": name, "description": description,
                          "minimum_age": ages[0], "maximum_age": ages[1], "status": "active",
                          "eligibility_description": _eligibility(ages)},
            )  # fmt: skip
            _place(service, site, org_name)
            for i, (byday, opens, closes) in enumerate(hours):
                Schedule.objects.update_or_create(
                    id=_id(f"schedule:{name}:{i}"),
                    defaults={"service": service, "freq": "WEEKLY", "byday": byday,
                              "opens_at": time.fromisoformat(opens), "closes_at": time.fromisoformat(closes)},
                )  # fmt: skip
            for code in needs:
                Attribute.objects.update_or_create(
                    id=_id(f"attribute:{name}:{code}"),
                    defaults={"link_id": service.pk, "link_entity": "service", "taxonomy_term": terms[code],
                              "link_type": "need"},
                )  # fmt: skip
            for code in languages:
                Language.objects.update_or_create(
                    id=_id(f"language:{name}:{code}"), defaults={"service": service, "code": code, "name": code}
                )
            Phone.objects.update_or_create(
                id=_id(f"phone:{name}"),
                defaults={"service": service, "number": f"(303) 555-{zlib.crc32(name.encode()) % 9000 + 1000:04d}"},
            )
            if capacity:
                total, available, unit, hours_ago = capacity
                ServiceCapacity.objects.get_or_create(
                    service=service,
                    defaults={"total": total, "available": available, "unit": unit,
                              "updated_at": now - timedelta(hours=hours_ago)},
                )  # fmt: skip
    stdout.write(f"Resource directory: {len(SERVICES)} services under {len(ORGANIZATIONS)} organizations.\n")


def _eligibility(ages) -> str:
    low, high = ages
    if low is not None and high is not None:
        return f"Ages {low} to {high}."
    if low is not None:
        return f"Ages {low} and over."
    return "Anyone."


def _place(service: Service, site, org_name: str) -> None:
    if site is None:
        return
    lat, lon, street = site
    location, _ = Location.objects.update_or_create(
        id=_id(f"location:{street}"),
        defaults={"name": f"{org_name} — {street}", "latitude": lat, "longitude": lon, "location_type": "physical"},
    )
    Address.objects.update_or_create(
        id=_id(f"address:{street}"),
        defaults={"location": location, "address_1": street, "city": "Riverton", "state_province": "CO",
                  "postal_code": "80204", "country": "US", "address_type": "physical"},
    )  # fmt: skip
    ServiceAtLocation.objects.update_or_create(
        id=_id(f"sal:{service.name}:{street}"), defaults={"service": service, "location": location}
    )
