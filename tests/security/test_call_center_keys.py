"""Call centers' API keys against every door.

A key acts for its own center only, on the intake doors only: on any other door it is nobody; a
revoked key is refused everywhere it is presented; a center's key never reads another center's
calls; and a signed-in person, whatever their role, cannot post a call through a center's door.
"""

import json

import pytest
from rest_framework.test import APIClient

from apps.demo.intake import ensure_policy
from apps.incidents.models import Incident
from apps.intake import services as intake_services
from apps.intake.models import Handback, Open311Request
from tests.intake.eido_samples import eido
from tests.security.doors import all_doors
from tests.security.judge import judge as _judge
from tests.security.test_authorization_matrix import GET_ROWS
from tests.security.world import ROLES, build_world

pytestmark = pytest.mark.django_db

# The doors a call center's key opens (everything else treats the key as no one).
KEY_DOORS = {
    "api-intake-eido",
    "api-incident-eido",
    "api-intake-handbacks",
    "api-intake-screen",
    "api-intake-policy",
    "open311-requests",
    "open311-request",
}
OPEN311_BODY = {
    "service_code": "welfare-check",
    "lat": "39.7392",
    "long": "-104.9903",
    "description": "Woman sleeping in a doorway",
    "first_name": "Sam",
    "phone": "303-555-0199",
    "attribute[weapon_involved]": "no",
    "attribute[violence_or_threats]": "no",
    "attribute[medical_emergency]": "no",
    "attribute[suicide_attempt_with_means]": "no",
}


def _center(supervisor, name):
    center = intake_services.call_center_create(actor=supervisor, name=name, kind="911")
    key, raw = intake_services.api_key_issue(actor=supervisor, call_center_id=center.pk)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return center, key, raw, client


@pytest.fixture
def centers():
    world = build_world()
    supervisor = world.users["supervisor"]
    ensure_policy(actor=supervisor)
    a = _center(supervisor, "Riverton 911")
    b = _center(supervisor, "County 911")
    made = a[3].post("/api/v1/intake/eido/", data=json.dumps(eido()), content_type="application/json")
    assert made.status_code == 201, made.content
    posted = APIClient().post("/open311/v2/requests.json", {**OPEN311_BODY, "api_key": a[2]})
    assert posted.status_code in (200, 201), posted.content
    return world, a, b, made.json()["incident"], Open311Request.objects.get(call_center=a[0])


# Open to anyone (health probes, metrics) or harmless to anyone (signing out a session there is none of).
ANYONE = {"metrics", "api-logout", "logout"}


def _is_public(door) -> bool:
    return door.name in ANYONE or (door.name in GET_ROWS and GET_ROWS[door.name].split()[0] == "P")


def test_a_key_opens_only_the_intake_doors_and_only_its_own_calls(centers):
    world, _a, b, a_incident, a_request = centers
    kwargs = {**world.kwargs(), "incident_id": a_incident, "request_id": a_request.pk}
    client = b[3]
    problems: list[str] = []
    for door in all_doors():
        url = door.url(kwargs)
        for method in ("GET", "POST"):
            if method not in door.methods:
                continue
            response = client.get(url) if method == "GET" else client.post(url, {}, format="json")
            where = f"{method} {door.name} ({url}) with center B's key"
            _judge(problems, where, "center_b", "-", response)
            if 200 <= response.status_code < 300 and door.name not in KEY_DOORS and not _is_public(door):
                problems.append(f"{where}: {response.status_code}, but keys do not open this door")
    assert problems == [], "\n".join(problems)

    assert client.get(f"/api/v1/incidents/{a_incident}/eido/").status_code == 404
    other = client.get(f"/open311/v2/requests/{a_request.pk}.json", {"api_key": b[2]})
    assert other.status_code == 404 or other.json() == [], other.content
    handbacks = b[3].get("/api/v1/intake/handbacks/")
    assert handbacks.status_code == 200 and "Pat Doe" not in handbacks.content.decode()
    assert not Handback.objects.filter(call_center=b[0]).exists()


def test_a_revoked_key_is_refused_at_every_door_that_reads_keys(centers):
    world, a, _b, a_incident, a_request = centers
    intake_services.api_key_revoke(actor=world.users["supervisor"], api_key_id=a[1].pk, reason="leaked")
    kwargs = {**world.kwargs(), "incident_id": a_incident, "request_id": a_request.pk}
    incidents_before = Incident.objects.count()
    problems = []
    for door in all_doors():
        if door.name not in KEY_DOORS:
            continue
        url = door.url(kwargs)
        for method in ("GET", "POST"):
            if method not in door.methods:
                continue
            if door.name.startswith("open311"):
                response = (
                    APIClient().get(url, {"api_key": a[2]})
                    if method == "GET"
                    else APIClient().post(url, {**OPEN311_BODY, "api_key": a[2]})
                )
            elif method == "GET":
                response = a[3].get(url)
            else:
                body = json.dumps(eido(**{"$id": "urn:x:revoked"}))
                response = a[3].post(url, data=body, content_type="application/json")
            if response.status_code not in (401, 403):
                problems.append(f"{method} {door.name} with a revoked key: {response.status_code}, expected refused")
    assert problems == [], "\n".join(problems)
    assert Incident.objects.count() == incidents_before


@pytest.mark.parametrize("role", ROLES)
def test_a_signed_in_person_cannot_post_a_call_through_a_centers_door(centers, role):
    world, *_ = centers
    client = world.client_for(role)
    before = Incident.objects.count()
    body = json.dumps(eido(**{"$id": "urn:x:session"}))
    by_eido = client.post("/api/v1/intake/eido/", data=body, content_type="application/json")
    by_open311 = client.post("/open311/v2/requests.json", OPEN311_BODY, format="multipart")
    handbacks = client.get("/api/v1/intake/handbacks/")
    assert by_eido.status_code in (401, 403), (role, by_eido.status_code)
    assert by_open311.status_code in (400, 401, 403), (role, by_open311.status_code)
    assert handbacks.status_code in (401, 403)
    assert Incident.objects.count() == before
