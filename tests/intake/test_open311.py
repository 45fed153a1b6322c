"""Open311 GeoReport v2 through the real endpoints, in JSON and XML."""

from datetime import timedelta

import pytest
from defusedxml import ElementTree
from django.utils import timezone
from rest_framework.test import APIClient

from apps.incidents.models import Incident
from apps.intake import services
from apps.intake.models import Open311Request

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"


def request_body(key, **extra):
    body = {
        "api_key": key,
        "service_code": "welfare-check",
        "lat": "39.7392",
        "long": "-104.9903",
        "description": "Woman sleeping in a doorway, not answering",
        "first_name": "Sam",
        "phone": "303-555-0199",
        "attribute[weapon_involved]": "no",
        "attribute[violence_or_threats]": "no",
        "attribute[medical_emergency]": "no",
        "attribute[suicide_attempt_with_means]": "no",
    }
    body.update(extra)
    return {k: v for k, v in body.items() if v is not None}


def errors_of(response, fmt):
    if fmt == "json":
        return response.json()
    root = ElementTree.fromstring(response.content)
    assert root.tag == "errors"
    return [{"code": int(e.findtext("code")), "description": e.findtext("description")} for e in root]


def test_services_are_the_call_types_the_policy_takes(policy):
    client = APIClient()
    services_json = client.get(f"{BASE}/services.json").json()
    codes = {s["service_code"] for s in services_json}
    assert {"welfare-check", "mental-health", "suicidal_ideation"} <= codes
    first = next(s for s in services_json if s["service_code"] == "welfare-check")
    assert first["metadata"] is True and first["type"] == "realtime"
    xml = client.get(f"{BASE}/services.xml")
    assert xml["Content-Type"].startswith("text/xml")
    root = ElementTree.fromstring(xml.content)
    assert root.tag == "services"
    assert "welfare-check" in [s.findtext("service_code") for s in root.findall("service")]


def test_a_service_definition_lists_the_screening_questions(policy):
    body = APIClient().get(f"{BASE}/services/welfare-check.json").json()
    assert body["service_code"] == "welfare-check"
    assert "weapon_involved" in [a["code"] for a in body["attributes"]]
    root = ElementTree.fromstring(APIClient().get(f"{BASE}/services/welfare-check.xml").content)
    assert root.tag == "service_definition"
    assert root.find("attributes/attribute/values/value/key").text == "yes"
    missing = APIClient().get(f"{BASE}/services/nope.json")
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_posting_a_request_screens_it_and_creates_the_incident(policy, center_key, fmt):
    _center, key = center_key
    response = APIClient().post(f"{BASE}/requests.{fmt}", request_body(key))
    assert response.status_code == 201, response.content
    if fmt == "json":
        request_id = response.json()[0]["service_request_id"]
    else:
        root = ElementTree.fromstring(response.content)
        assert root.tag == "service_requests"
        request_id = root.find("request/service_request_id").text
    stored = Open311Request.objects.get(pk=request_id)
    incident = stored.decision.incident
    assert incident.call_type.code == "welfare_check" and incident.source == "911"
    assert (incident.latitude, incident.longitude) == (39.7392, -104.9903)
    assert stored.decision.channel == "open311" and stored.decision.answers["weapon_involved"] is False


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("missing", "code", "words"),
    [
        ("api_key", 403, "api_key"),
        ("service_code", 400, "service_code"),
        ("location", 400, "location"),
    ],
)
def test_each_required_field_missing_is_an_error_in_the_spec_format(policy, center_key, fmt, missing, code, words):
    _center, key = center_key
    drop = {"location": {"lat": None, "long": None}}.get(missing, {missing: None})
    response = APIClient().post(f"{BASE}/requests.{fmt}", request_body(key, **drop))
    assert response.status_code == code
    (error,) = errors_of(response, fmt)
    assert error["code"] == code and words in error["description"]
    assert not Incident.objects.exists() and not Open311Request.objects.exists()


def test_an_address_string_is_enough_location(policy, center_key):
    response = APIClient().post(
        f"{BASE}/requests.json", request_body(center_key[1], lat=None, long=None, address_string="400 W Colfax Ave")
    )
    assert response.status_code == 201
    assert Incident.objects.get().location_text == "400 W Colfax Ave"


def test_an_unknown_service_code_and_half_a_point_are_refused(policy, center_key):
    client = APIClient()
    assert client.post(f"{BASE}/requests.json", request_body(center_key[1], service_code="zzz")).status_code == 400
    assert client.post(f"{BASE}/requests.json", request_body(center_key[1], long=None)).status_code == 400
    assert client.post(f"{BASE}/requests.json", request_body(center_key[1], lat="north")).status_code == 400


def test_a_weapon_attribute_makes_it_not_eligible(policy, center_key):
    response = APIClient().post(
        f"{BASE}/requests.json", request_body(center_key[1], **{"attribute[weapon_involved]": "yes"})
    )
    assert response.status_code == 201
    assert "Not eligible" in response.json()[0]["service_notice"]
    request_id = response.json()[0]["service_request_id"]
    shown = APIClient().get(f"{BASE}/requests/{request_id}.json", {"api_key": center_key[1]}).json()
    assert shown[0]["status"] == "closed"


def test_requests_are_listed_in_the_default_window_and_by_status(policy, center_key, dispatcher):
    client = APIClient()
    key = center_key[1]
    first = client.post(f"{BASE}/requests.json", request_body(key)).json()[0]["service_request_id"]
    second = client.post(f"{BASE}/requests.json", request_body(key, lat="39.80")).json()[0]["service_request_id"]
    old = Open311Request.objects.get(pk=second)
    Open311Request.objects.filter(pk=old.pk).update(requested_at=timezone.now() - timedelta(days=120))
    listed = client.get(f"{BASE}/requests.json", {"api_key": key}).json()
    assert [r["service_request_id"] for r in listed] == [first]
    assert listed[0]["status"] == "open"
    start = (timezone.now() - timedelta(days=130)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    windowed = client.get(f"{BASE}/requests.json", {"api_key": key, "start_date": start, "end_date": end}).json()
    assert [r["service_request_id"] for r in windowed] == [second]
    assert client.get(f"{BASE}/requests.json", {"api_key": key, "status": "closed"}).json() == []
    incident = Open311Request.objects.get(pk=first).decision.incident
    from apps.incidents.services import incident_close

    incident_close(actor=dispatcher, incident_id=incident.pk, disposition="resolved_on_scene")
    closed = client.get(f"{BASE}/requests.json", {"api_key": key, "status": "closed"}).json()
    assert [r["service_request_id"] for r in closed] == [first]
    xml = ElementTree.fromstring(client.get(f"{BASE}/requests.xml", {"api_key": key}).content)
    assert xml.tag == "service_requests" and xml.find("request/status").text == "closed"
    bad = client.get(f"{BASE}/requests.json", {"api_key": key, "start_date": "last week"})
    assert bad.status_code == 400 and bad.json()[0]["code"] == 400


def test_a_key_from_another_center_cannot_read_a_request(policy, center_key, other_center_key):
    client = APIClient()
    request_id = client.post(f"{BASE}/requests.json", request_body(center_key[1])).json()[0]["service_request_id"]
    assert client.get(f"{BASE}/requests/{request_id}.json", {"api_key": center_key[1]}).status_code == 200
    other = client.get(f"{BASE}/requests/{request_id}.json", {"api_key": other_center_key[1]})
    assert other.status_code == 404 and other.json()[0]["code"] == 404
    assert client.get(f"{BASE}/requests.json", {"api_key": other_center_key[1]}).json() == []


def test_a_revoked_key_is_refused_in_the_spec_format(policy, center_key, supervisor):
    center, key = center_key
    services.api_key_revoke(actor=supervisor, api_key_id=center.api_keys.get().pk)
    response = APIClient().post(f"{BASE}/requests.xml", request_body(key))
    assert response.status_code == 401
    assert errors_of(response, "xml")[0]["code"] == 401


def test_listing_requests_does_not_query_per_request(policy, center_key):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = APIClient()
    key = center_key[1]

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{BASE}/requests.json", {"api_key": key}).status_code == 200
        return len(captured.captured_queries)

    client.post(f"{BASE}/requests.json", request_body(key))
    one = count()
    for i in range(4):
        client.post(f"{BASE}/requests.json", request_body(key, lat=f"39.{80 + i}"))
    assert count() == one
    with CaptureQueriesContext(connection) as captured:
        client.get(f"{BASE}/services.json")
    assert len(captured.captured_queries) <= 6
