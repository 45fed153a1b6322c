"""NENA EIDO intake over the real endpoint, and the EIDO Firstline hands back."""

import json

import pytest
from rest_framework.test import APIClient

from apps.audit.models import AuditEntry
from apps.incidents.models import Incident
from apps.intake import services
from apps.intake.eido import eido_parse
from apps.intake.models import EidoDocument, Handback, ScreeningDecision
from tests.intake.eido_samples import BILLION_LAUGHS, eido, geodetic

pytestmark = pytest.mark.django_db
URL = "/api/v1/intake/eido/"


def post(client, doc):
    body = doc if isinstance(doc, str | bytes) else json.dumps(doc)
    return client.post(URL, data=body, content_type="application/json")


def nothing_written():
    return not (Incident.objects.exists() or ScreeningDecision.objects.exists() or EidoDocument.objects.exists())


def test_an_eido_with_a_civic_address_creates_a_screened_incident(policy, center_client, center_key, team):
    response = post(center_client, eido())
    assert response.status_code == 201, response.content
    incident = Incident.objects.get(pk=response.json()["incident"])
    assert incident.location_text == "123 N Main St, Riverton, CO 80010"
    assert incident.call_type.code == "welfare_check"
    assert incident.callback == "tel:+13035550100"
    assert incident.caller_name == "Pat Doe"
    assert incident.external_id == "urn:emergency:eido:riverton911:2026-000123"
    assert incident.received_at.isoformat() == "2026-11-26T20:58:12+00:00"
    assert "sip:+13035550100@carrier.example" in incident.caller_notes
    assert "https://lis.example/loc/abc" in incident.caller_notes
    assert incident.created_by == center_key[0].service_user
    decision = ScreeningDecision.objects.get(incident=incident)
    assert decision.channel == "eido" and decision.call_center == center_key[0]
    assert AuditEntry.objects.filter(action="intake.eido.create").exists()


def test_an_eido_with_a_geodetic_point_keeps_the_coordinates(policy, center_client):
    response = post(center_client, geodetic())
    assert response.status_code == 201, response.content
    incident = Incident.objects.get(pk=response.json()["incident"])
    assert (incident.latitude, incident.longitude) == (39.7392, -104.9903)
    assert incident.location_text == "39.739200, -104.990300"
    assert "35 m" in incident.caller_notes


def test_resending_the_same_eido_updates_the_same_incident(policy, center_client):
    first = post(center_client, eido())
    doc = eido()
    doc["notesComponent"] = [{"notesActionComment": "Caller now says he is walking toward the river."}]
    second = post(center_client, doc)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["incident"] == first.json()["incident"]
    assert second.json()["received_count"] == 2
    assert Incident.objects.count() == 1 and ScreeningDecision.objects.count() == 1
    incident = Incident.objects.get()
    assert incident.summary == "Caller now says he is walking toward the river."
    assert incident.version == 2


def test_the_same_id_from_another_center_is_another_call(policy, center_client, other_center_key):
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Api-Key {other_center_key[1]}")
    assert post(center_client, eido()).status_code == 201
    assert post(other, eido()).status_code == 201
    assert Incident.objects.count() == 2


def test_malformed_json_is_a_400_naming_the_root(policy, center_client):
    response = post(center_client, '{"$id": "x", "incidentComponent": ')
    assert response.status_code == 400
    assert response.json()["path"] == "$"
    assert "not valid JSON" in response.json()["reason"]
    assert nothing_written()


def test_malformed_embedded_xml_names_its_path_and_writes_nothing(policy, center_client):
    doc = eido()
    doc["locationComponent"][0]["locationByValue"] = "<presence><tuple></presence>"
    response = post(center_client, doc)
    assert response.status_code == 400
    body = response.json()
    assert body["path"] == "$.locationComponent[0].locationByValue"
    assert "not well-formed XML" in body["reason"]
    assert nothing_written()


def test_an_xml_entity_expansion_attack_is_refused_cleanly(policy, center_client):
    doc = eido()
    doc["locationComponent"][0]["locationByValue"] = BILLION_LAUGHS
    response = post(center_client, doc)
    assert response.status_code == 400
    assert response.json()["path"] == "$.locationComponent[0].locationByValue"
    assert "XML refused" in response.json()["reason"]
    assert nothing_written()
    assert AuditEntry.objects.filter(action="intake.eido.refused", outcome="denied").exists()


def test_an_unknown_call_type_is_a_400_naming_the_nature_code(policy, center_client):
    doc = eido()
    doc["incidentComponent"]["incidentTypeCommonRegistryText"] = ["UFO-SIGHTING"]
    response = post(center_client, doc)
    assert response.status_code == 400
    assert response.json()["path"] == "$.incidentComponent.incidentTypeCommonRegistryText"
    assert "UFO-SIGHTING" in response.json()["reason"]
    assert nothing_written()


def test_a_known_call_type_the_policy_excludes_is_handed_back(policy, center_client):
    from apps.incidents.models import CallType

    CallType.objects.create(code="traffic_hazard", name="Traffic hazard")
    doc = eido()
    doc["incidentComponent"]["incidentTypeCommonRegistryText"] = ["traffic_hazard"]
    response = post(center_client, doc)
    assert response.status_code == 201
    body = response.json()
    assert body["incident"] is None and body["decision"]["response_type"] == "not_eligible"
    assert body["handback"]["incidentComponent"]["incidentStatusCommonRegistryText"] == ["not_eligible"]
    assert body["handback"]["$id"] == doc["$id"]
    assert Handback.objects.count() == 1


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d.pop("$id"), "$.$id"),
        (lambda d: d.pop("incidentComponent"), "$.incidentComponent"),
        (lambda d: d["callComponent"][0].update(callbackURI=["mailto:x@y"]), "$.callComponent[0].callbackURI[0]"),
        (
            lambda d: d["callComponent"][0].update(callStartTimestamp="yesterday"),
            "$.callComponent[0].callStartTimestamp",
        ),
        (lambda d: d.update(locationComponent=[]), "$.locationComponent"),
        (lambda d: d["locationComponent"][0].update(locationByValue=42), "$.locationComponent[0].locationByValue"),
    ],
)
def test_each_unreadable_part_is_named_by_its_path(policy, center_client, mutate, path):
    doc = eido()
    mutate(doc)
    response = post(center_client, doc)
    assert response.status_code == 400, response.content
    assert response.json()["path"] == path
    assert path in response.json()
    assert nothing_written()


def test_a_revoked_key_is_refused(policy, center_client, center_key, supervisor):
    services.api_key_revoke(actor=supervisor, api_key_id=center_key[0].api_keys.get().pk)
    response = post(center_client, eido())
    assert response.status_code == 401
    assert nothing_written()


def test_no_key_or_a_made_up_key_is_refused(policy):
    assert post(APIClient(), eido()).status_code in (401, 403)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Api-Key fl_deadbeef00_notarealsecret")
    assert post(client, eido()).status_code == 401
    assert nothing_written()


def test_a_signed_in_dispatcher_cannot_post_eido_without_a_key(policy, api, dispatcher):
    api.login_as(dispatcher)
    assert api.post(URL, eido(), format="json").status_code in (401, 403)


def test_the_incident_comes_back_as_an_eido_that_reads_again(policy, center_client, dispatcher, api):
    created = post(center_client, geodetic()).json()
    exported = center_client.get(f"/api/v1/incidents/{created['incident']}/eido/")
    assert exported.status_code == 200
    doc = exported.json()
    assert doc["$id"] == "urn:emergency:eido:riverton911:2026-000124"
    parsed = eido_parse(doc)
    assert (parsed.location.latitude, parsed.location.longitude) == (39.7392, -104.9903)
    assert parsed.callbacks == ["tel:+13035550100"]
    api.login_as(dispatcher)
    assert api.get(f"/api/v1/incidents/{created['incident']}/eido/").status_code == 200


def test_another_centers_key_cannot_read_an_incident_back(policy, center_client, other_center_key):
    created = post(center_client, eido()).json()
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Api-Key {other_center_key[1]}")
    assert other.get(f"/api/v1/incidents/{created['incident']}/eido/").status_code == 404


def test_eido_for_a_screening_page_incident_has_a_civic_location(policy, call_taker, dispatcher, api):
    decision = services.call_screen(
        actor=call_taker,
        answers={},
        call_type="welfare_check",
        location_text="Riverside Park",
        summary="cold",
        callback="303-555-0101",
    )
    api.login_as(dispatcher)
    doc = api.get(f"/api/v1/incidents/{decision.incident_id}/eido/").json()
    parsed = eido_parse(doc)
    assert parsed.location.text == "Riverside Park"
    assert parsed.callbacks == ["tel:3035550101"]


def test_a_center_polls_its_handbacks_and_sees_only_its_own(policy, center_client, other_center_key):
    from apps.incidents.models import CallType

    CallType.objects.create(code="traffic_hazard", name="Traffic hazard")
    doc = eido()
    doc["incidentComponent"]["incidentTypeCommonRegistryText"] = ["traffic_hazard"]
    post(center_client, doc)
    listed = center_client.get("/api/v1/intake/handbacks/").json()["results"]
    assert len(listed) == 1 and listed[0]["eido"]["$id"] == doc["$id"]
    assert center_client.get("/api/v1/intake/handbacks/", {"after": listed[0]["id"]}).json()["results"] == []
    assert center_client.get("/api/v1/intake/handbacks/", {"after": "x"}).status_code == 400
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Api-Key {other_center_key[1]}")
    assert other.get("/api/v1/intake/handbacks/").json()["results"] == []


def test_resending_after_the_call_closed_keeps_the_closed_record(policy, center_client, dispatcher):
    from apps.incidents.services import incident_close

    created = post(center_client, eido()).json()
    incident_close(actor=dispatcher, incident_id=created["incident"], disposition="resolved_on_scene")
    doc = eido()
    doc["notesComponent"] = [{"notesActionComment": "Late update from the CAD."}]
    again = post(center_client, doc)
    assert again.status_code == 200
    assert again.json()["incident"] == created["incident"] and again.json()["incident_open"] is False
    assert Incident.objects.get().summary != "Late update from the CAD."
    assert EidoDocument.objects.get().received_count == 2
