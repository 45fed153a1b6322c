"""Closed records leave dispatch's view: a call closed or cancelled more than 12 hours ago, its
encounter and its EIDO are refused to dispatchers and call-takers at every door, and no list,
board or page shows its details; inside the 12 hours dispatch still reads the call. Supervisors
keep reading it, and other teams and partners never do."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.incidents.models import Incident
from tests.security.doors import all_doors
from tests.security.judge import refused
from tests.security.test_authorization_matrix import NOT_GET
from tests.security.world import SECRET_CALLER, SECRET_NAME, SECRET_NARRATIVE, build_world

pytestmark = pytest.mark.django_db

# Doors that show one call or its encounter: refused once the call aged out of dispatch's view.
RECORD_DOORS = {"api-incident", "api-encounter", "api-encounter-referrals", "api-incident-eido"}
MARKERS = (SECRET_CALLER, SECRET_NAME, SECRET_NARRATIVE)


def _close(world, *, hours_ago: float, how: str = "closed"):
    at = timezone.now() - timedelta(hours=hours_ago)
    fields = {"closed_at": at} if how == "closed" else {"cancelled_at": at}
    Incident.objects.filter(pk=world.incident.pk).update(status=how, **fields)
    world.assignment.__class__.objects.filter(pk=world.assignment.pk).update(status="cleared", cleared_at=at)


def _sweep(world, role) -> tuple[dict, list[str]]:
    """GET every door as `role`: the status of the record doors, and every door whose body shows a
    person's detail of the aged call."""
    client = world.client_for(role)
    kwargs = world.kwargs()
    statuses, leaks = {}, []
    for door in all_doors():
        if door.name in NOT_GET or "GET" not in door.methods:
            continue
        url = door.url(kwargs)
        response = client.get(url + ("?open=0" if door.name == "api-incidents" else ""))
        assert response.status_code < 500, f"{door.name} as {role}: {response.status_code}"
        if door.name in RECORD_DOORS:
            statuses[door.name] = response
        body = b"" if getattr(response, "streaming", False) else response.content
        leaks += [f"{door.name} shows {m!r}" for m in MARKERS if m.encode() in body]
    return statuses, leaks


@pytest.mark.parametrize("how", ["closed", "cancelled"])
@pytest.mark.parametrize("role", ["dispatcher", "call_taker"])
def test_a_call_finished_more_than_12_hours_ago_is_gone_from_dispatch(role, how):
    world = build_world()
    _close(world, hours_ago=13, how=how)
    statuses, leaks = _sweep(world, role)
    assert leaks == []
    not_refused = [name for name, response in statuses.items() if not refused(response)]
    assert not_refused == []


def test_dispatch_still_reads_a_call_closed_within_the_shift():
    world = build_world()
    _close(world, hours_ago=11)
    client = world.client_for("dispatcher")
    assert client.get(f"/api/v1/incidents/{world.incident.pk}/").status_code == 200
    listed = client.get("/api/v1/incidents/?open=0").json()
    assert SECRET_CALLER in str(listed)


@pytest.mark.parametrize(("role", "sees"), [("supervisor", True), ("responder_b", False), ("partner_x", False)])
def test_an_aged_call_stays_with_supervisors_only_among_outsiders(role, sees):
    world = build_world()
    _close(world, hours_ago=24 * 30)
    response = world.client_for(role).get(f"/api/v1/incidents/{world.incident.pk}/")
    assert (response.status_code == 200) is sees
    assert (SECRET_CALLER in response.content.decode()) is sees
