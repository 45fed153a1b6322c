"""NENA's schema as the authority: the copy is NENA's, and an EIDO of each component type is accepted."""

import copy
import hashlib
import json
import re

import pytest

from apps.intake import eido_schema
from apps.teams.models import Team, UnitStatus
from apps.teams.selectors import team_recommend
from tests.intake.eido_samples import BASE, CIVIC_PIDF, GEODETIC_PIDF, prologue

URL = "/api/v1/intake/eido/"


def test_the_schema_copy_is_byte_for_byte_nenas():
    note = (eido_schema.SCHEMA_DIR / "PROVENANCE.md").read_text()
    pairs = re.findall(r"^([0-9a-f]{64})  (\S+)$", note, re.M)
    listed = {path.removeprefix("./"): digest for digest, path in pairs}
    found = {
        p.relative_to(eido_schema.SCHEMA_DIR).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in eido_schema.SCHEMA_DIR.rglob("*.yaml")
    }
    assert found == listed and "openapi.yaml" in found


def minimal(**components) -> dict:
    doc = {key: copy.deepcopy(BASE[key]) for key in ("$id", "lastUpdateTimeStamp", "updatedByAgencyReference")}
    doc.update(eidoVersion="1.0", issuingElementIdentification="cad.example", agencyComponent=BASE["agencyComponent"])
    doc.update(components)
    return doc


ONE_OF_EACH = {
    "incident": {"incidentComponent": {**prologue("i1"), "incidentTypeCommonRegistryText": "MENTAL"}},
    "call": {"callComponent": [copy.deepcopy(BASE["callComponent"][0]) | {"callBackReference": {"$ref": "x"}}]},
    "callback": {"callbackComponent": [{**prologue("cb"), "callBackInformationUri": ["tel:+17195550142"]}]},
    "person": {"personComponent": [{**prologue("p"), "personIncidentRoleRegistryText": ["Caller"]}]},
    "civic location": {
        "locationComponent": [
            {**prologue("l"), "locationTypeDescriptionRegistryText": "Incident", "locationByValue": CIVIC_PIDF}
        ]
    },
    "geodetic location": {
        "locationComponent": [
            {**prologue("l"), "locationTypeDescriptionRegistryText": "Caller", "locationByValue": GEODETIC_PIDF}
        ]
    },
    "location by reference": {
        "locationComponent": [
            {**prologue("l"), "locationTypeDescriptionRegistryText": "Caller", "locationByReferenceUrl": "https://x"}
        ]
    },
    "notes": {"notesComponent": [{**prologue("n"), "notesActionComments": "<p>Caller is calm.</p>"}]},
    "agent": {"agentComponent": copy.deepcopy(BASE["agentComponent"])},
    "agency only": {},
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(ONE_OF_EACH))
def test_a_schema_valid_eido_of_each_component_type_is_accepted(kind, policy, center_client):
    doc = minimal(**ONE_OF_EACH[kind])
    assert eido_schema.errors(doc) == []
    response = center_client.post(URL, json.dumps(doc), content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["incident"] is not None


@pytest.mark.django_db
def test_the_recommended_team_prefers_one_speaking_the_callers_language():
    near = Team.objects.create(call_sign="R1", capabilities=["peer_support"], status=UnitStatus.AVAILABLE)
    near.last_latitude, near.last_longitude = 39.74, -104.99
    far = Team.objects.create(call_sign="R2", capabilities=["peer_support", "spanish"], status=UnitStatus.AVAILABLE)
    far.last_latitude, far.last_longitude = 39.90, -104.80
    teams = [near, far]
    assert team_recommend(teams=teams, required_capabilities=[], latitude=39.74, longitude=-104.99)[0] == near
    best, _ = team_recommend(
        teams=teams, required_capabilities=[], latitude=39.74, longitude=-104.99, preferred_capabilities=["spanish"]
    )
    assert best == far
