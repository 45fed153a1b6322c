"""The demo directory loads quickly, twice without changes, and answers field searches."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from apps.demo.resources import load_demo_data
from apps.resources.hsds import TABLES
from apps.resources.models import Organization, Service, ServiceCapacity
from apps.resources.selectors import SearchQuery, services_for_field_cache, services_search

pytestmark = pytest.mark.django_db


def counts():
    return {t.name: t.model.objects.count() for t in TABLES}


def test_the_demo_directory_is_idempotent_and_keeps_partner_updates():
    load_demo_data(stdout=io.StringIO())
    first = counts()
    assert 20 <= first["service"] <= 30
    shelter = Organization.objects.get(name="Riverton Community Shelter")
    assert shelter.partnership_status == "formal"
    capacity = ServiceCapacity.objects.get(service__name="Emergency overnight shelter")
    ServiceCapacity.objects.filter(pk=capacity.pk).update(available=11)
    load_demo_data(stdout=io.StringIO())
    assert counts() == first
    assert ServiceCapacity.objects.get(pk=capacity.pk).available == 11


def test_the_demo_has_a_round_the_clock_and_an_overnight_service_for_the_field():
    load_demo_data(stdout=io.StringIO())
    saturday_3am = datetime(2026, 11, 28, 3, 0, tzinfo=ZoneInfo("America/Denver"))
    results = services_search(
        query=SearchQuery(need="shelter", open_now=True, latitude=39.747, longitude=-104.992), now=saturday_3am
    )
    names = [r["name"] for r in results]
    assert "Emergency overnight shelter" in names
    detox = services_search(query=SearchQuery(need="detox", open_now=True), now=saturday_3am)
    assert "Withdrawal management (detox)" in [r["name"] for r in detox]
    cache = services_for_field_cache()
    assert len(cache) == Service.objects.filter(status="active").count()
    assert all(entry["needs"] for entry in cache)
