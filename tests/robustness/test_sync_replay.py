"""The sync endpoint's replay rules under bad input: one mutation id is applied at most once.

A replay of an applied id with a different (even malformed) body is a conflict; a malformed body is
rejected and stores nothing, so the tablet may fix it and send it again under the same id.
"""

import copy
import uuid

import pytest

from apps.field.models import AppliedMutation
from apps.incidents.models import EncounterVersion
from tests.field.helpers import encounter_create
from tests.robustness.helpers import HUGE, NUL, row_counts

pytestmark = pytest.mark.services

MALFORMED_DATA = [
    {"disposition": "unknown_enum_value"},
    {"people_served": -1},
    {"people_served": "many"},
    {"needs": {"not": "a list"}},
    {"narrative": HUGE},
    {"person": {"alias": NUL}},
    {"device_time": "2026-13-45T99:00:00"},
    {"incident": "abc"},
]


def sync(world, *mutations):
    body = {"device": str(world.device.pk), "mutations": list(mutations)}
    response = world.clients["responder"].post("/api/v1/field/sync/", body, format="json")
    assert response.status_code == 200, response.content[:300]
    return response.json()["results"]


def malformed(mutation: dict, change: dict) -> dict:
    bad = copy.deepcopy(mutation)
    bad["data"].update(change)
    return bad


def test_replaying_an_applied_id_with_malformed_bodies_is_a_conflict_and_applies_nothing(world):
    first = encounter_create(world.incident, world.assignment)
    assert sync(world, first)[0]["status"] == "applied"
    before = row_counts()
    replays = [malformed(first, change) for change in MALFORMED_DATA]
    results = sync(world, *replays)
    assert [r["status"] for r in results] == ["conflict"] * len(MALFORMED_DATA), results
    assert all(r["id"] == first["id"] for r in results)
    assert row_counts() == before
    assert sync(world, first)[0]["status"] == "duplicate"
    assert EncounterVersion.objects.filter(encounter_id=first["record"]).count() == 1


def test_a_malformed_body_is_rejected_without_using_up_its_id(world):
    mutation = encounter_create(world.incident, world.assignment)
    before = row_counts()
    results = sync(world, *[malformed(mutation, change) for change in MALFORMED_DATA])
    assert [r["status"] for r in results] == ["rejected"] * len(MALFORMED_DATA), results
    assert all(r["errors"] for r in results)
    assert row_counts() == before
    assert not AppliedMutation.objects.filter(pk=mutation["id"]).exists()
    # Corrected and sent again under the same id: applied once, then a duplicate.
    assert sync(world, mutation)[0]["status"] == "applied"
    assert sync(world, mutation, mutation)[0]["status"] == "duplicate"
    assert EncounterVersion.objects.filter(encounter_id=mutation["record"]).count() == 1


def test_the_same_id_twice_in_one_batch_with_a_different_body_applies_only_the_first(world):
    mutation = encounter_create(world.incident, world.assignment)
    changed = malformed(mutation, {"narrative": "A different story."})
    results = sync(world, mutation, changed, malformed(mutation, {"people_served": "x"}))
    assert [r["status"] for r in results] == ["applied", "conflict", "conflict"], results
    assert EncounterVersion.objects.filter(encounter_id=mutation["record"]).count() == 1


@pytest.mark.parametrize(
    "envelope",
    [
        {"id": "not-a-uuid"},
        {"id": None},
        {"id": ["a"]},
        {"type": "encounter.explode"},
        {"type": None},
        {"record": {"a": 1}},
        {"record": "x" * 100},
        {"base_version": -1},
        {"base_version": "one"},
        {"data": "not an object"},
        {"data": [1, 2]},
        {"device_time": "yesterday"},
    ],
    ids=lambda e: f"{next(iter(e))}={next(iter(e.values()))!r}"[:40],
)
def test_a_malformed_envelope_is_rejected_alone_and_the_rest_of_the_batch_applies(world, envelope):
    bad = {**encounter_create(world.incident, world.assignment), **envelope}
    good = encounter_create(world.incident, world.assignment)
    applied_before = AppliedMutation.objects.count()
    results = sync(world, bad, good, 42, "text", [])
    statuses = [r["status"] for r in results]
    assert statuses == ["rejected", "applied", "rejected", "rejected", "rejected"], results
    assert EncounterVersion.objects.filter(encounter_id=good["record"]).count() == 1
    assert AppliedMutation.objects.count() == applied_before + 1  # only the good one is remembered


def test_a_sync_body_that_is_not_an_envelope_is_a_400(world):
    client = world.clients["responder"]
    for body in [[], {"device": "abc", "mutations": []}, {"device": str(world.device.pk), "mutations": {}}]:
        response = client.post("/api/v1/field/sync/", body, format="json")
        assert response.status_code == 400, (body, response.content[:200])
    response = client.post(
        "/api/v1/field/sync/", {"device": str(uuid.uuid4()), "mutations": []}, format="json"
    )  # a tablet other than the session's (here unknown): refused, and nothing about it is told
    assert response.status_code == 403
