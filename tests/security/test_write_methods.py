"""PUT, PATCH and DELETE on every door, for every role.

The resolver walk (tests/security/doors.py) finds which doors declare these methods. Those are
listed in DECLARED below, each with its policy (the valid-body write is judged in
test_authorization_matrix's WRITE_ROWS); a door that starts declaring one fails
`test_every_door_that_takes_put_patch_or_delete_is_listed` until someone writes down who may.
Every other door must refuse them: never a 2xx, never a 500, and nothing changes.
"""

import pytest

from apps.followups.models import Referral
from apps.incidents.models import Assignment, Encounter, Incident
from tests.security.doors import all_doors
from tests.security.judge import judge as _judge
from tests.security.world import ROLES, SECRET_FOLLOWUP_NOTES, build_world

pytestmark = pytest.mark.django_db

METHODS = ("PUT", "PATCH", "DELETE")
# (door, method): what the door does with it. Its role-by-role policy is the WRITE_ROWS entry named.
DECLARED = {
    ("api-incident", "PATCH"): "edit the incident",
    # Dispatch only; its role-by-role check is tests/safety/test_co_responses.py (a world with a co-response).
    ("api-board-co-response", "PATCH"): "record a co-response's arrival, departure or outcome",
    ("login", "PUT"): "Django's sign-in view declares PUT; the page middleware answers 405",
}
# Doors allowed to answer a method they do not declare (none: pages refuse them, see
# apps/common/methods.py, and DRF refuses them on the API).
METHOD_BLIND_PUBLIC = set()


def test_every_door_that_takes_put_patch_or_delete_is_listed():
    declared = {(d.name, m) for d in all_doors() for m in METHODS if m in d.methods}
    assert declared == set(DECLARED), f"doors taking PUT/PATCH/DELETE with no policy: {declared - set(DECLARED)}"


def _snapshot(world) -> tuple:
    incident = Incident.objects.get(pk=world.incident.pk)
    referral = Referral.objects.select_related("consent").get(pk=world.referral.pk)
    world.followup.refresh_from_db()
    world.device.refresh_from_db()
    return (
        incident.summary,
        incident.status,
        incident.version,
        Assignment.objects.get(pk=world.assignment.pk).status,
        Encounter.objects.get(pk=world.encounter.pk).current_version,
        referral.status,
        referral.consent.revoked_at,
        world.followup.status,
        world.followup.notes,
        world.device.revoked_at,
    )


@pytest.mark.parametrize("role", ROLES)
def test_put_patch_and_delete_are_refused_where_not_declared_and_change_nothing(role):
    world = build_world()
    client = world.client_for(role)
    kwargs = world.kwargs()
    before = _snapshot(world)
    problems: list[str] = []
    for door in all_doors():
        url = door.url(kwargs)
        for method in METHODS:
            response = getattr(client, method.lower())(url, {}, format="json")
            where = f"{method} {door.name} ({url})"
            if (door.name, method) in DECLARED:
                _judge(problems, where, role, "-", response)
                continue
            _judge(problems, where, role, "-", response)
            if 200 <= response.status_code < 300 and door.name not in METHOD_BLIND_PUBLIC:
                problems.append(f"{where} as {role}: {response.status_code}, but the door does not take {method}")
    assert problems == [], "\n".join(problems)
    after = _snapshot(world)
    assert after == before
    assert after[8] == SECRET_FOLLOWUP_NOTES
