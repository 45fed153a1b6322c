"""Property tests for the central write doors: a valid body with a few fields made hostile by Hypothesis.

Whatever the body, the answer is below 500; a refused body writes nothing; a refused mutation in a
sync batch is reported in its result and leaves the tables as they were.
"""

import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.field.helpers import encounter_create
from tests.followups.conftest import FULL_CONSENT
from tests.intake.eido_samples import eido
from tests.robustness.helpers import NUL, json_error_shape_ok, row_counts

pytestmark = pytest.mark.services

PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same examples on every run
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.sampled_from([2**31, 2**63, -(2**31) - 1, 0, -1])
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from([NUL, "x" * 20_000, "2026-13-45", "2026-02-30T25:00:00+99:00", "not-a-uuid", str(uuid.uuid4())])
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=6,
)


def overrides(fields: list[str]):
    return st.dictionaries(st.sampled_from([*fields, "unknown_field"]), json_values, min_size=1, max_size=3)


def assert_refusal_wrote_nothing(response, before: dict, what) -> None:
    assert response.status_code < 500, f"{what} -> {response.status_code}: {response.content[:300]!r}"
    if response.status_code >= 400:
        assert row_counts() == before, f"{what} was refused ({response.status_code}) but wrote rows"
        assert json_error_shape_ok(json.loads(response.content)), f"{what}: {response.content[:300]!r}"


INCIDENT = {
    "location_text": "Civic Center Park",
    "summary": "Person asking for a place to sleep",
    "call_type": None,
    "priority": 2,
    "latitude": 39.7,
    "longitude": -104.9,
    "source": "911",
    "callback": "",
    "caller_name": "",
    "caller_notes": "",
    "safety_flags": [],
}


def test_creating_an_incident_never_fails_on_a_hostile_body(world):
    client = world.clients["dispatcher"]

    @PROPERTY_SETTINGS
    @given(changes=overrides(list(INCIDENT)))
    def check(changes):
        before = row_counts()
        body = {**INCIDENT, **changes}
        response = client.post("/api/v1/incidents/", body, format="json")
        assert_refusal_wrote_nothing(response, before, body)

    check()


def _sync_bases(world) -> dict:
    """One well-formed mutation of each type, for the responder's own call."""
    incident, assignment = world.incident, world.assignment
    create = encounter_create(incident, assignment)
    return {
        "assignment.acknowledge": {"record": str(assignment.pk), "data": {}},
        "assignment.status": {"record": str(assignment.pk), "data": {"status": "en_route"}},
        "encounter.create": {"record": create["record"], "data": create["data"]},
        "encounter.amend": {"record": str(world.encounter.pk), "base_version": 1, "data": create["data"]},
        "encounter.note": {"record": str(world.encounter.pk), "data": {"text": "Checked back later."}},
        "followup.create": {
            "record": str(uuid.uuid4()),
            "data": {"kind": "check_in_call", "due_at": "2026-12-01T10:00:00Z", "team": world.team.pk},
        },
        "followup.complete": {"record": str(uuid.uuid4()), "data": {"outcome": "reached"}},
        "referral.create": {
            "record": str(uuid.uuid4()),
            "data": {"encounter": str(world.encounter.pk), "service": str(world.service.pk), "consent": FULL_CONSENT},
        },
    }


DATA_FIELDS = sorted(
    {
        "status",
        "incident",
        "assignment",
        "disposition",
        "people_served",
        "needs",
        "person",
        "narrative",
        "device_time",
        "text",
        "kind",
        "due_at",
        "team",
        "assignee",
        "responder",
        "encounter",
        "service",
        "consent",
        "outcome",
        "next_due_at",
        "notes",
        "need",
    }
)


def test_a_sync_mutation_with_hostile_fields_is_rejected_alone_and_writes_nothing(world):
    client = world.clients["responder"]
    bases = _sync_bases(world)

    @PROPERTY_SETTINGS
    @given(
        kind=st.sampled_from(sorted(bases)),
        data_changes=st.dictionaries(st.sampled_from(DATA_FIELDS), json_values, max_size=3),
        envelope_changes=st.dictionaries(
            st.sampled_from(["id", "type", "record", "base_version", "data", "device_time"]), json_values, max_size=2
        ),
    )
    def check(kind, data_changes, envelope_changes):
        base = bases[kind]
        mutation = {
            "id": str(uuid.uuid4()),
            "type": kind,
            "record": base["record"],
            "base_version": base.get("base_version"),
            "data": {**base["data"], **data_changes},
            "device_time": "2026-11-26T10:00:00Z",
            **envelope_changes,
        }
        before = row_counts()
        body = {"device": str(world.device.pk), "mutations": [mutation]}
        response = client.post("/api/v1/field/sync/", body, format="json")
        assert_refusal_wrote_nothing(response, before, mutation)
        if response.status_code == 200:
            (result,) = response.json()["results"]
            assert result["status"] in ("applied", "duplicate", "conflict", "rejected"), result
            if result["status"] != "applied":
                after = row_counts()
                assert after == before, f"{mutation} was {result['status']} but wrote rows"

    check()


def test_an_eido_with_hostile_fields_is_refused_cleanly(world):
    client = world.clients["call_center"]
    top = ["$id", "lastUpdateTimeStamp", "incidentComponent", "callComponent", "personComponent", "locationComponent"]
    inner = ["incidentTypeCommonRegistryText", "incidentTrackingIdentifier", "lastUpdateTimeStamp", "$id"]

    @PROPERTY_SETTINGS
    @given(top_changes=overrides(top), inner_changes=st.dictionaries(st.sampled_from(inner), json_values, max_size=2))
    def check(top_changes, inner_changes):
        document = eido()
        document["incidentComponent"] = {**document["incidentComponent"], **inner_changes}
        document.update(top_changes)
        before = row_counts()
        response = client.post("/api/v1/intake/eido/", document, format="json")
        assert response.status_code < 500, f"{document} -> {response.status_code}: {response.content[:300]!r}"
        if response.status_code >= 400:
            after = row_counts()
            assert after == before, f"refused EIDO wrote rows: {document}"

    check()
