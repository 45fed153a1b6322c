"""Field search: need, distance, open now (across midnight, days with no hours), language, age, capacity."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import timezone

from apps.common.geo import distance_km
from apps.resources.selectors import SearchQuery, services_for_field_cache, services_search
from tests.resources.builders import DOWNTOWN, make_service, need_term

pytestmark = pytest.mark.django_db

DENVER = ZoneInfo("America/Denver")
FRIDAY_9PM = datetime(2026, 11, 27, 21, 0, tzinfo=DENVER)
FRIDAY_11PM = datetime(2026, 11, 27, 23, 0, tzinfo=DENVER)
SATURDAY_2AM = datetime(2026, 11, 28, 2, 0, tzinfo=DENVER)
SATURDAY_7AM = datetime(2026, 11, 28, 7, 0, tzinfo=DENVER)
SUNDAY_10AM = datetime(2026, 11, 29, 10, 0, tzinfo=DENVER)
MONDAY_10AM = datetime(2026, 11, 30, 10, 0, tzinfo=DENVER)


def names(results) -> list[str]:
    return [r["name"] for r in results]


def search(now=None, **kwargs):
    return services_search(query=SearchQuery(**kwargs), now=now)


def test_nearest_services_come_first_and_far_ones_are_left_out():
    make_service("Far shelter", at=(39.80, -104.99), needs=("shelter",))  # ~5.9 km north
    make_service("Near shelter", at=(39.750, -104.992), needs=("shelter",))  # ~0.3 km
    make_service("Mid shelter", at=(39.77, -104.99), needs=("shelter",))  # ~2.6 km
    make_service("Across the state", at=(38.83, -104.82), needs=("shelter",))  # Colorado Springs
    make_service("Near pantry", at=(39.748, -104.992), needs=("food",))
    results = search(need="shelter", latitude=DOWNTOWN[0], longitude=DOWNTOWN[1], radius_km=10)
    assert names(results) == ["Near shelter", "Mid shelter", "Far shelter"]
    assert results[0]["distance_km"] == pytest.approx(distance_km(*DOWNTOWN, 39.750, -104.992), abs=0.01)
    assert results[0]["distance_km"] < results[1]["distance_km"] < results[2]["distance_km"] < 10


def test_a_service_with_two_sites_is_measured_to_the_nearest_one():
    from apps.resources.models import Location, ServiceAtLocation

    service = make_service("Two sites", at=(39.80, -104.99), needs=("food",))
    near = Location.objects.create(name="Second site", latitude=39.748, longitude=-104.991)
    ServiceAtLocation.objects.create(service=service, location=near)
    (result,) = search(need="food", latitude=DOWNTOWN[0], longitude=DOWNTOWN[1], radius_km=10)
    assert result["distance_km"] < 0.5


def test_an_overnight_shelter_is_open_after_midnight_and_closed_after_it_closes():
    make_service("Friday night shelter", hours=[("FR", "22:00", "06:00")], needs=("shelter",))
    assert names(search(need="shelter", open_now=True, now=FRIDAY_9PM)) == []
    assert names(search(need="shelter", open_now=True, now=FRIDAY_11PM)) == ["Friday night shelter"]
    assert names(search(need="shelter", open_now=True, now=SATURDAY_2AM)) == ["Friday night shelter"]
    assert names(search(need="shelter", open_now=True, now=SATURDAY_7AM)) == []
    (result,) = search(need="shelter", now=SATURDAY_2AM)
    assert result["open_now"] is True
    assert result["hours_today"] == []  # Saturday has no hours of its own; Friday's run past midnight


def test_on_a_day_with_no_hours_a_weekday_clinic_is_closed_and_a_24_7_line_is_open():
    make_service("Weekday clinic", hours=[("MO,TU,WE,TH,FR", "09:00", "17:00")], needs=("medical",))
    make_service("Nurse line", hours=[("MO,TU,WE,TH,FR,SA,SU", "00:00", "00:00")], needs=("medical",))
    make_service("No published hours", needs=("medical",))
    assert names(search(need="medical", open_now=True, now=SUNDAY_10AM)) == ["Nurse line"]
    assert names(search(need="medical", open_now=True, now=MONDAY_10AM)) == ["Nurse line", "Weekday clinic"]
    everything = {r["name"]: r for r in search(need="medical", now=SUNDAY_10AM)}
    assert everything["Weekday clinic"]["open_now"] is False
    assert everything["Weekday clinic"]["hours_today"] == []
    assert everything["No published hours"]["open_now"] is None
    assert everything["Nurse line"]["hours_today"] == ["Open 24 hours"]
    monday = {r["name"]: r for r in search(need="medical", now=MONDAY_10AM)}
    assert monday["Weekday clinic"]["hours_today"] == ["09:00–17:00"]


def test_open_now_uses_the_program_time_zone():
    make_service("Day center", hours=[("MO,TU,WE,TH,FR,SA,SU", "08:00", "18:00")], needs=("hygiene",))
    # 16:00 UTC is 09:00 in Denver (open) but 01:00 in Tokyo (closed).
    moment = datetime(2026, 11, 30, 16, 0, tzinfo=ZoneInfo("UTC"))
    assert names(search(need="hygiene", open_now=True, now=moment)) == ["Day center"]
    with override_settings(FIRSTLINE_PROGRAM_TIME_ZONE="Asia/Tokyo"):
        assert names(search(need="hygiene", open_now=True, now=moment)) == []


def test_language_and_age_narrow_the_results():
    make_service("Spanish youth drop-in", needs=("youth",), languages=("es",), min_age=12, max_age=24)
    make_service("English youth drop-in", needs=("youth",), languages=("en",), min_age=12, max_age=24)
    make_service("Any age drop-in", needs=("youth",), languages=("en", "es"))
    assert names(search(need="youth", language="es")) == ["Any age drop-in", "Spanish youth drop-in"]
    assert names(search(need="youth", age=30)) == ["Any age drop-in"]
    assert names(search(need="youth", age=16, language="en")) == ["Any age drop-in", "English youth drop-in"]


def test_need_may_be_a_code_a_taxonomy_term_or_free_text():
    make_service("Detox center", needs=("detox",))
    make_service("Crisis stabilization unit", needs=("crisis_stabilization",))
    assert names(search(need="detox")) == ["Detox center"]
    assert names(search(need=str(need_term("crisis_stabilization").pk))) == ["Crisis stabilization unit"]
    assert names(search(need="stabilization")) == ["Crisis stabilization unit"]


def test_only_services_with_places_free_when_asked():
    now = timezone.now()
    make_service("Full shelter", needs=("shelter",), available=0, updated_at=now)
    make_service("Shelter with beds", needs=("shelter",), available=4, updated_at=now)
    make_service("Shelter that never said", needs=("shelter",))
    assert names(search(need="shelter", has_capacity=True)) == ["Shelter with beds"]


@override_settings(FIRSTLINE_CAPACITY_STALE_HOURS=6)
def test_capacity_older_than_the_limit_is_shown_as_stale():
    now = timezone.now()
    make_service("Fresh count", needs=("shelter",), available=3, updated_at=now - timedelta(hours=1))
    make_service("Old count", needs=("shelter",), available=3, updated_at=now - timedelta(hours=7))
    results = {r["name"]: r["capacity"] for r in search(need="shelter")}
    assert results["Fresh count"]["stale"] is False
    assert results["Old count"]["stale"] is True
    assert results["Old count"]["available"] == 3


def test_the_field_cache_has_every_active_service_in_the_agreed_shape():
    make_service(
        "Overnight shelter", hours=[("FR", "22:00", "06:00")], needs=("shelter",), languages=("es",),
        available=2, updated_at=timezone.now(), min_age=18,
    )  # fmt: skip
    inactive = make_service("Closed program", at=None)
    inactive.status = "inactive"
    inactive.save()
    (entry,) = services_for_field_cache()
    assert set(entry) >= {
        "id", "name", "description", "organization", "address", "latitude", "longitude", "phone", "url",
        "hours", "eligibility", "min_age", "max_age", "languages", "needs", "capacity",
    }  # fmt: skip
    assert entry["hours"] == [{"weekday": 4, "opens": "22:00", "closes": "06:00", "all_day": False}]
    assert entry["needs"] == ["shelter"] and entry["languages"] == ["es"] and entry["min_age"] == 18
    assert entry["address"].startswith("1 Main St")
    assert set(entry["capacity"]) >= {"available", "updated_at", "stale"}


def test_the_field_cache_costs_a_fixed_number_of_queries(django_assert_max_num_queries):
    for i in range(20):
        make_service(f"Service {i}", hours=[("MO", "09:00", "17:00")], needs=("food",), languages=("en",))
    with django_assert_max_num_queries(12):
        assert len(services_for_field_cache()) == 20


def test_the_search_endpoint_answers_responders_and_checks_its_input(api, responder):
    make_service("Near shelter", at=(39.750, -104.992), needs=("shelter",), hours=[("MO", "00:00", "00:00")])
    api.login_as(responder)
    response = api.get(f"/api/v1/resources/search/?need=shelter&lat={DOWNTOWN[0]}&lon={DOWNTOWN[1]}&radius_km=5")
    assert response.status_code == 200, response.content
    (result,) = response.json()["results"]
    assert result["name"] == "Near shelter" and result["distance_km"] < 1
    assert "hours_today" in result and "open_now" in result
    assert api.get("/api/v1/resources/search/?lat=200&lon=0").status_code == 400
    assert "lat" in api.get("/api/v1/resources/search/?lat=39.7").json()
    assert api.get("/api/v1/resources/search/?age=old").status_code == 400


def test_searching_needs_a_signed_in_user(client):
    assert client.get("/api/v1/resources/search/?need=food").status_code == 403


def test_search_costs_a_fixed_number_of_queries(django_assert_max_num_queries):
    for i in range(30):
        make_service(
            f"Shelter {i}", at=(39.747 + i * 0.001, -104.992), needs=("shelter",), languages=("en",),
            hours=[("MO,TU,WE,TH,FR,SA,SU", "00:00", "00:00")],
        )  # fmt: skip
    with django_assert_max_num_queries(16):
        results = search(need="shelter", latitude=DOWNTOWN[0], longitude=DOWNTOWN[1], open_now=True, limit=25)
    assert len(results) == 25


def test_the_tablets_fetch_the_offline_directory_over_the_api(api, responder):
    make_service("Night shelter", needs=("shelter",))
    api.login_as(responder)
    body = api.get("/api/v1/resources/services/").json()
    assert [s["name"] for s in body["services"]] == ["Night shelter"]
