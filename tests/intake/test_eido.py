"""NENA EIDO intake over the real endpoint, judged by NENA's schema, and the EIDO Firstline hands back."""

import json
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from apps.audit.models import AuditEntry
from apps.common.errors import ApplicationError
from apps.incidents.models import Incident
from apps.incidents.services import incident_assign
from apps.incidents.states import SCREENING_HOLD
from apps.intake import eido_schema, services
from apps.intake.eido.parser import eido_parse
from apps.intake.models import EidoDocument, Handback, ScreeningDecision
from tests.intake.eido_samples import BILLION_LAUGHS, eido, geodetic, note

pytestmark = pytest.mark.django_db
URL = "/api/v1/intake/eido/"
NENA_SAMPLE = Path(__file__).resolve().parents[1] / "data" / "eido" / "nena_sample_call_transfer.json"


def post(client, doc):
    body = doc if isinstance(doc, str | bytes) else json.dumps(doc)
    return client.post(URL, data=body, content_type="application/json")


def nothing_written():
    return not (Incident.objects.exists() or ScreeningDecision.objects.exists() or EidoDocument.objects.exists())


def test_an_eido_makes_a_call_on_the_board_held_until_a_call_taker_screens_it(
    policy, center_client, center_key, dispatcher, team
):
    response = post(center_client, eido())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["screening"] == "not_yet_safe_to_decide"
    assert body["to_complete"] == ["the safety questions"]
    assert body["complete_at"] == f"/intake/screen/?incident={body['incident']}"
    assert body["decision"] is None and body["warnings"] == []
    incident = Incident.objects.get(pk=body["incident"])
    assert incident.location_text == "123 N Main St, Riverton, CO 80010"
    assert incident.call_type.code == "welfare_check"
    assert incident.callback == "+13035550100"
    assert incident.caller_name == "Pat Doe"
    assert incident.caller_language == "es"
    assert incident.summary == "Older man confused, outside in the cold."
    assert incident.external_id == "urn:emergency:uid:incidentid:riverton911:2026-000123"
    assert incident.received_at.isoformat() == "2026-11-26T20:58:12+00:00"
    assert "Answered by the call center at 2026-11-26T13:58:20-07:00" in incident.caller_notes
    assert "Pat Doe (Caller)" in incident.caller_notes
    assert "https://lis.example/loc/abc" in incident.caller_notes
    assert incident.created_by == center_key[0].service_user
    assert SCREENING_HOLD in incident.safety_flags
    stored = EidoDocument.objects.get()
    assert stored.parsed["call_answer"] == "2026-11-26T13:58:20-07:00"
    assert stored.parsed["persons"][0]["roles"] == ["Caller"]
    assert AuditEntry.objects.filter(action="intake.eido.create").exists()
    with pytest.raises(ApplicationError, match="Not yet safe to decide"):
        incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
    assert not incident.assignments.exists()


def test_nenas_own_sample_eido_is_accepted_with_its_address_callback_times_and_caller(policy, center_client):
    sample = json.loads(NENA_SAMPLE.read_text())
    assert eido_schema.errors(sample) == []
    response = post(center_client, sample)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["to_complete"] == ["incident type", "the safety questions"]
    incident = Incident.objects.get(pk=body["incident"])
    assert incident.location_text == "42 W Cellular Street, Wilmington, DE"
    assert incident.callback == "+18195551212"
    assert incident.received_at.isoformat() == "2021-04-30T18:40:00+00:00"
    assert incident.call_type is None
    assert "Answered by the call center at 2021-04-30T14:42:00-04:00" in incident.caller_notes
    assert "https://lrf.osp.com?oasufdqwerjn12346jfias" in incident.caller_notes
    parsed = EidoDocument.objects.get().parsed
    assert parsed["persons"][0]["roles"] == ["Caller"] and parsed["persons"][0]["caller"] is True
    assert parsed["agencies"][0]["id"] == "state.pa.us"
    assert parsed["location"]["kind"] == "RoutingLocation"


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
    doc["notesComponent"] = [note("Caller now says he is <b>walking</b> toward the river.")]
    doc["incidentComponent"]["notesReference"] = [{"$ref": doc["notesComponent"][0]["$id"]}]
    second = post(center_client, doc)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["incident"] == first.json()["incident"]
    assert second.json()["received_count"] == 2
    assert Incident.objects.count() == 1
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


def test_an_xml_entity_expansion_attack_is_refused_cleanly(policy, center_client):
    doc = eido()
    doc["locationComponent"][0]["locationByValue"] = BILLION_LAUGHS
    response = post(center_client, doc)
    assert response.status_code == 400
    assert response.json()["path"] == "$.locationComponent[0].locationByValue"
    assert "XML refused" in response.json()["reason"]
    assert nothing_written()
    assert AuditEntry.objects.filter(action="intake.eido.refused", outcome="denied").exists()


def test_unreadable_embedded_xml_is_a_location_the_call_taker_completes(policy, center_client):
    doc = eido()
    doc["locationComponent"][0]["locationByValue"] = "<presence><tuple></presence>"
    response = post(center_client, doc)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["to_complete"] == ["location", "the safety questions"]
    assert body["warnings"][0]["path"] == "$.locationComponent[0].locationByValue"
    assert "not well-formed XML" in body["warnings"][0]["reason"]
    incident = Incident.objects.get()
    assert incident.location_text == "Location by reference only: https://lis.example/loc/abc"


def test_an_unknown_incident_type_is_a_call_the_call_taker_completes(policy, center_client):
    doc = eido()
    doc["incidentComponent"]["incidentTypeCommonRegistryText"] = "UFO-SIGHTING"
    response = post(center_client, doc)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["to_complete"] == ["incident type", "the safety questions"]
    assert body["warnings"][0]["path"] == "$.incidentComponent.incidentTypeCommonRegistryText"
    assert "UFO-SIGHTING" in body["warnings"][0]["reason"]
    assert Incident.objects.get().call_type is None


def test_an_eido_without_an_incident_component_or_location_is_still_a_call(policy, center_client):
    doc = eido()
    for name in ("incidentComponent", "locationComponent", "notesComponent"):
        doc.pop(name)
    response = post(center_client, doc)
    assert response.status_code == 201, response.content
    assert response.json()["to_complete"] == ["incident type", "location", "the safety questions"]
    incident = Incident.objects.get()
    assert incident.location_text == "Location not given: ask the caller"
    assert incident.callback == "+13035550100"


def test_a_known_call_type_the_policy_excludes_is_handed_back_in_nenas_format(policy, center_client):
    from apps.incidents.models import CallType

    CallType.objects.create(code="traffic_hazard", name="Traffic hazard")
    doc = eido()
    doc["incidentComponent"]["incidentTypeCommonRegistryText"] = "traffic_hazard"
    response = post(center_client, doc)
    assert response.status_code == 201
    body = response.json()
    assert body["incident"] is None and body["decision"]["response_type"] == "not_eligible"
    assert body["screening"] == "screened"
    handback = body["handback"]
    assert eido_schema.errors(handback) == []
    assert handback["incidentComponent"]["incidentStatusInternalText"] == ["not_eligible"]
    assert handback["$id"] == doc["$id"]
    assert Handback.objects.count() == 1


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d.pop("$id"), "$.$id"),
        (lambda d: d.pop("eidoVersion"), "$.eidoVersion"),
        (lambda d: d.pop("issuingElementIdentification"), "$.issuingElementIdentification"),
        (lambda d: d.pop("agencyComponent"), "$.agencyComponent"),
        (lambda d: d.update(eidoVersion="2.0"), "$.eidoVersion"),
        (lambda d: d["callComponent"][0].update(direction="sideways"), "$.callComponent[0].direction"),
        (lambda d: d["callComponent"][0].pop("callStartTimestamp"), "$.callComponent[0].callStartTimestamp"),
        (
            lambda d: d["incidentComponent"].update(incidentTypeCommonRegistryText=["WELFARE"]),
            "$.incidentComponent.incidentTypeCommonRegistryText",
        ),
        (lambda d: d["locationComponent"][0].update(locationByValue=42), "$.locationComponent[0].locationByValue"),
        (lambda d: d["notesComponent"][0].pop("notesActionComments"), "$.notesComponent[0].notesActionComments"),
        (
            lambda d: d["personComponent"][0].pop("updatedByAgencyReference"),
            "$.personComponent[0].updatedByAgencyReference",
        ),
        (
            lambda d: d["callbackComponent"][0].update(callBackInformationUri="tel:+13035550100"),
            "$.callbackComponent[0].callBackInformationUri",
        ),
    ],
)
def test_what_breaks_nenas_schema_is_a_400_naming_its_path(policy, center_client, mutate, path):
    doc = eido()
    mutate(doc)
    response = post(center_client, doc)
    assert response.status_code == 400, response.content
    assert response.json()["path"] == path
    assert path in response.json()
    assert "NENA" in response.json()["reason"]
    assert nothing_written()


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (
            lambda d: d["callbackComponent"][0].update(callBackInformationUri=["mailto:x@example.org"]),
            "$.callbackComponent[0].callBackInformationUri[0]",
        ),
        (
            lambda d: d["callbackComponent"][0].update(callBackInformationUri=["tel:not-a-phone"]),
            "$.callbackComponent[0].callBackInformationUri[0]",
        ),
        (
            lambda d: d["callComponent"][0].update(callStartTimestamp="yesterday"),
            "$.callComponent[0].callStartTimestamp",
        ),
        (
            lambda d: d["incidentComponent"].update(locationReference=[{"$ref": "nowhere"}]),
            "$.incidentComponent.locationReference",
        ),
    ],
)
def test_what_the_schema_allows_but_firstline_cannot_use_is_kept_with_a_warning(policy, center_client, mutate, path):
    doc = eido()
    mutate(doc)
    response = post(center_client, doc)
    assert response.status_code == 201, response.content
    assert path in [w["path"] for w in response.json()["warnings"]]
    assert EidoDocument.objects.get().document == doc


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


def test_the_incident_comes_back_as_an_eido_that_validates_and_reads_again(policy, center_client, dispatcher, api):
    created = post(center_client, geodetic()).json()
    exported = center_client.get(f"/api/v1/incidents/{created['incident']}/eido/")
    assert exported.status_code == 200
    doc = exported.json()
    assert eido_schema.errors(doc) == []
    assert doc["$id"] == "urn:emergency:uid:incidentid:riverton911:2026-000124"
    assert doc["eidoVersion"] == "1.0"
    assert doc["issuingElementIdentification"] == "firstline.community-response.example"
    assert doc["updatedByAgencyReference"] == {"$ref": "urn:firstline:agency:community-response"}
    assert doc["agencyComponent"][0]["$id"] == "urn:firstline:agency:community-response"
    assert doc["callComponent"][0]["answerDate"] == "2026-11-26T13:58:20-07:00"
    parsed = eido_parse(doc)
    assert (parsed.location.latitude, parsed.location.longitude) == (39.7392, -104.9903)
    assert parsed.callback == "+13035550100"
    assert parsed.caller_name == "Pat Doe" and parsed.caller_language == "es"
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
        answers={
            "weapon_involved": "no",
            "violence_or_threats": "no",
            "medical_emergency": "no",
            "suicide_attempt_with_means": "no",
        },
        call_type="welfare_check",
        location_text="Riverside Park",
        summary="cold",
        callback="303-555-0101",
    )
    api.login_as(dispatcher)
    doc = api.get(f"/api/v1/incidents/{decision.incident_id}/eido/").json()
    assert eido_schema.errors(doc) == []
    parsed = eido_parse(doc)
    assert parsed.location.text == "Riverside Park"
    assert parsed.callback == "+13035550101"


def test_a_center_polls_its_handbacks_and_sees_only_its_own(policy, center_client, other_center_key):
    from apps.incidents.models import CallType

    CallType.objects.create(code="traffic_hazard", name="Traffic hazard")
    doc = eido()
    doc["incidentComponent"]["incidentTypeCommonRegistryText"] = "traffic_hazard"
    post(center_client, doc)
    listed = center_client.get("/api/v1/intake/handbacks/").json()["results"]
    assert len(listed) == 1 and listed[0]["eido"]["$id"] == doc["$id"]
    assert eido_schema.errors(listed[0]["eido"]) == []
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
    doc["notesComponent"] = [note("Late update from the CAD.")]
    again = post(center_client, doc)
    assert again.status_code == 200
    assert again.json()["incident"] == created["incident"] and again.json()["incident_open"] is False
    assert Incident.objects.get().summary != "Late update from the CAD."
    assert EidoDocument.objects.get().received_count == 2
