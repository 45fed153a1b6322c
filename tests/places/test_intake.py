"""Calls that arrive with an address but no coordinates are geocoded, through the real intake doors."""

import json

import pytest
from rest_framework.test import APIClient

from apps.incidents.models import Incident
from apps.intake import services
from tests.intake.eido_samples import CIVIC_PIDF, eido, geodetic

pytestmark = pytest.mark.django_db
EIDO_URL = "/api/v1/intake/eido/"
OPEN311_URL = "/open311/v2/requests.json"
SAFE = {
    "attribute[weapon_involved]": "no",
    "attribute[violence_or_threats]": "no",
    "attribute[medical_emergency]": "no",
    "attribute[suicide_attempt_with_means]": "no",
}


def point(riverton, number, street):
    row = next(r for r in riverton if r["NUMBER"] == number and r["STREET"] == street and not r["UNIT"])
    return float(row["LAT"]), float(row["LON"])


def civic_eido(*, number, street, street_type, eido_id="urn:emergency:uid:incidentid:riverton911:2026-000900"):
    doc = eido()
    doc["$id"] = eido_id
    civic = CIVIC_PIDF.replace(
        "<ca:PRD>N</ca:PRD><ca:A6>Main</ca:A6><ca:STS>St</ca:STS><ca:HNO>123</ca:HNO>",
        f"<ca:A6>{street}</ca:A6><ca:STS>{street_type}</ca:STS><ca:HNO>{number}</ca:HNO>",
    )
    doc["locationComponent"][0]["locationByValue"] = civic
    return doc


def test_an_eido_with_only_a_civic_address_is_geocoded_and_says_so(riverton, policy, center_client):
    response = center_client.post(
        EIDO_URL,
        data=json.dumps(civic_eido(number="102", street="Market", street_type="St")),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    incident = Incident.objects.get(pk=response.json()["incident"])
    assert "102 Market St" in incident.location_text
    assert (incident.latitude, incident.longitude) == point(riverton, "102", "Market St")
    assert incident.location_source == "geocoded" and incident.location_score == 1.0
    assert incident.district == "Downtown"


def test_an_eido_with_coordinates_keeps_them_as_the_devices(riverton, policy, center_client):
    response = center_client.post(EIDO_URL, data=json.dumps(geodetic()), content_type="application/json")
    incident = Incident.objects.get(pk=response.json()["incident"])
    assert (incident.latitude, incident.longitude) == (39.7392, -104.9903)
    assert (incident.location_source, incident.location_score) == ("device", None)


def test_an_address_the_geocoder_does_not_know_leaves_the_call_without_coordinates(riverton, policy, center_client):
    doc = civic_eido(number="123", street="Zzyzx", street_type="Rd")
    incident = Incident.objects.get(
        pk=center_client.post(EIDO_URL, data=json.dumps(doc), content_type="application/json").json()["incident"]
    )
    assert (incident.latitude, incident.longitude, incident.location_source) == (None, None, "none")


def test_an_open311_request_with_only_an_address_is_geocoded(riverton, policy, center_key):
    body = {
        "api_key": center_key[1],
        "service_code": "welfare-check",
        "address_string": "110 market street, Riverton",
        "description": "Man sitting in the cold",
        **SAFE,
    }
    response = APIClient().post(OPEN311_URL, body)
    assert response.status_code == 201, response.content
    incident = Incident.objects.latest("pk")
    assert (incident.latitude, incident.longitude) == point(riverton, "110", "Market St")
    assert incident.location_source == "geocoded" and 0.75 <= incident.location_score <= 1


def test_the_incident_api_shows_how_the_location_was_obtained(riverton, policy, center_client, api, dispatcher):
    response = center_client.post(
        EIDO_URL,
        data=json.dumps(civic_eido(number="102", street="Market", street_type="St")),
        content_type="application/json",
    )
    api.login_as(dispatcher)
    body = api.get(f"/api/v1/incidents/{response.json()['incident']}/").json()
    assert (body["location_source"], body["location_score"]) == ("geocoded", 1.0)
    assert body["latitude"] == point(riverton, "102", "Market St")[0]


def test_a_call_taker_who_picks_a_candidate_records_the_pick(riverton, policy, call_taker):
    lat, lon = point(riverton, "102", "Market St")
    decision = services.call_screen(
        actor=call_taker,
        answers={k.split("[")[1][:-1]: "no" for k in SAFE},
        call_type="welfare_check",
        location_text="102 Market St, Riverton",
        summary="Check on a neighbour",
        latitude=lat,
        longitude=lon,
        location_picked=True,
    )
    assert decision.incident.location_source == "picked"


def test_a_screened_call_with_a_typed_address_is_geocoded_through_the_page(riverton, policy, call_taker, client):
    client.force_login(call_taker)
    form = {
        "call_type": "welfare_check",
        "location_text": "118 Markte St",
        "summary": "Older man confused outside",
        "action": "decide",
        **{f"q_{k.split('[')[1][:-1]}": "no" for k in SAFE},
    }
    response = client.post("/intake/screen/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    incident = Incident.objects.latest("pk")
    assert (incident.latitude, incident.longitude) == point(riverton, "118", "Market St")
    assert incident.location_source == "geocoded" and incident.location_score < 1


def test_the_held_eido_call_keeps_its_geocoded_origin_when_the_page_completes_it(
    riverton, policy, center_client, call_taker, client
):
    response = center_client.post(
        EIDO_URL,
        data=json.dumps(civic_eido(number="102", street="Market", street_type="St")),
        content_type="application/json",
    )
    held = Incident.objects.get(pk=response.json()["incident"])
    client.force_login(call_taker)
    page = client.get(f"/intake/screen/?incident={held.pk}")
    assert page.status_code == 200
    form = {
        "incident": str(held.pk),
        "call_type": "welfare_check",
        "location_text": held.location_text,
        "summary": held.summary,
        "latitude": str(held.latitude),
        "longitude": str(held.longitude),
        "location_picked": "",
        "action": "decide",
        **{f"q_{k.split('[')[1][:-1]}": "no" for k in SAFE},
    }
    assert client.post("/intake/screen/", form).status_code == 302
    held.refresh_from_db()
    assert held.location_source == "geocoded" and held.location_score == 1.0
