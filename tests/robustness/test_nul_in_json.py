"""A NUL character nested inside a JSON object (a person's details, a consent, an EIDO) is a 400, not a 500.

PostgreSQL's jsonb refuses U+0000, so such input must be refused before anything is saved.
"""

import json
import uuid

import pytest

from tests.field.helpers import encounter_create
from tests.followups.conftest import FULL_CONSENT
from tests.intake.eido_samples import eido
from tests.robustness.helpers import NUL, json_error_shape_ok, row_counts

pytestmark = pytest.mark.services


def _refused_cleanly(response, before):
    assert response.status_code == 400, response.content[:300]
    assert json_error_shape_ok(json.loads(response.content))
    assert row_counts() == before


def test_an_encounter_whose_person_holds_a_nul_is_refused(world):
    body = encounter_create(world.incident, world.assignment, person={"alias": NUL})["data"]
    before = row_counts()
    _refused_cleanly(world.clients["responder"].post("/api/v1/encounters/", body, format="json"), before)


def test_a_referral_whose_consent_holds_a_nul_is_refused(world):
    body = {
        "encounter": str(world.encounter.pk),
        "service": str(world.service.pk),
        "consent": {**FULL_CONSENT, "given_by": NUL, NUL: "x"},
        "need": "shelter",
    }
    before = row_counts()
    _refused_cleanly(world.clients["responder"].post("/api/v1/referrals/", body, format="json"), before)


@pytest.mark.parametrize(
    "data",
    [{"person": {"alias": NUL}}, {"person": {NUL: "Sam"}}, {"needs": [NUL]}],
    ids=["nul value", "nul key", "nul in a list"],
)
def test_a_synced_encounter_holding_a_nul_is_rejected_alone(world, data):
    mutation = encounter_create(world.incident, world.assignment, **data)
    good = encounter_create(world.incident, world.assignment, record=uuid.uuid4())
    good["type"] = "encounter.note"
    good["record"] = str(world.encounter.pk)
    good["data"] = {"text": "Checked back later."}
    before = row_counts()
    body = {"device": str(world.device.pk), "mutations": [mutation]}
    response = world.clients["responder"].post("/api/v1/field/sync/", body, format="json")
    assert response.status_code == 200, response.content[:300]
    (result,) = response.json()["results"]
    assert result["status"] == "rejected", result
    assert row_counts() == before


def test_an_eido_holding_a_nul_is_refused_and_the_refusal_is_recorded(world):
    from apps.audit.models import AuditEntry

    document = eido()
    document["$id"] = f"urn:emergency:eido:riverton911:{NUL}"
    document["incidentComponent"]["incidentTrackingIdentifier"] = {NUL: None}
    before = row_counts()
    response = world.clients["call_center"].post("/api/v1/intake/eido/", document, format="json")
    _refused_cleanly(response, before)
    assert AuditEntry.objects.filter(action="intake.eido.refused").exists()
