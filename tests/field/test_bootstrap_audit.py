"""The tablet's working set is on the audit log once per record per reader per window, in bulk:
every live event makes the tablet fetch it again, and a row per record per fetch grew with
events x tablets x working set (issue 20)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from apps.audit.models import AuditEntry
from apps.incidents import services
from apps.incidents.models import Assignment, Encounter
from apps.incidents.states import ACTIVE_ASSIGNMENT_STATUSES
from tests.factories import DeviceFactory, MembershipFactory, UserFactory
from tests.field.helpers import assigned_call, encounter_create

pytestmark = pytest.mark.django_db


def another_call(dispatcher, team, **extra):
    """One more call on the team's list: the team clears its active one first (one call at a time);
    a call cleared within the last day stays in the working set."""
    for assignment in Assignment.objects.filter(team=team, status__in=ACTIVE_ASSIGNMENT_STATUSES):
        for status in ("en_route", "on_scene", "cleared"):
            services.assignment_set_status(actor=dispatcher, assignment_id=assignment.pk, status=status)
    return assigned_call(dispatcher, team, **extra)


def bootstrap_reads(user):
    rows = AuditEntry.objects.filter(actor=user, detail__via="field.bootstrap")
    return sorted(rows.values_list("action", "object_id"))


def fetch(api, device):
    response = api.get(f"/api/v1/field/bootstrap/?device={device.pk}")
    assert response.status_code == 200
    return response.json()


def sync(api, device, *mutations):
    response = api.post("/api/v1/field/sync/", {"device": str(device.pk), "mutations": list(mutations)}, format="json")
    assert response.status_code == 200 and all(r["status"] == "applied" for r in response.json()["results"])


def test_a_refetch_within_the_window_logs_nothing_new_and_each_reader_is_logged(api, responder, team, dispatcher):
    device = DeviceFactory(team=team)
    first, assignment = assigned_call(dispatcher, team, location_text="Alameda Ave")
    second, _ = another_call(dispatcher, team, location_text="Federal Blvd")
    api.login_as(responder, device=device.pk)
    sync(api, device, encounter_create(first, assignment))
    encounter = Encounter.objects.get(incident=first)

    fetch(api, device)
    # The active call's premise history is kept on the tablet too (issue 13): read once a window like the rest.
    expected = sorted(
        [
            ("incident.view", str(first.pk)),
            ("incident.view", str(second.pk)),
            ("encounter.view", str(encounter.pk)),
            ("premise.view", str(second.pk)),
        ]
    )
    assert bootstrap_reads(responder) == expected
    row = AuditEntry.objects.filter(actor=responder, detail__via="field.bootstrap").first()
    assert row.detail["device"] == str(device.pk) and row.door == "api"

    for _ in range(3):
        fetch(api, device)
    assert bootstrap_reads(responder) == expected  # the same records, already disclosed to this reader

    third, _ = another_call(dispatcher, team, location_text="Colfax Ave")
    fetch(api, device)
    assert ("incident.view", str(third.pk)) in bootstrap_reads(responder)  # a new record is logged at once
    assert ("premise.view", str(third.pk)) in bootstrap_reads(responder)
    assert len(bootstrap_reads(responder)) == 6

    colleague = UserFactory(role="responder")
    MembershipFactory(team=team, user=colleague)
    api.logout()
    api.login_as(colleague, device=device.pk)
    fetch(api, device)
    assert len(bootstrap_reads(colleague)) == 5  # another reader: logged for them too (one active call)


@override_settings(FIRSTLINE_FIELD_DISCLOSURE_AUDIT_SECONDS=0)
def test_after_the_window_the_same_records_are_logged_again(api, responder, team, dispatcher):
    device = DeviceFactory(team=team)
    assigned_call(dispatcher, team)
    api.login_as(responder, device=device.pk)
    fetch(api, device)
    fetch(api, device)
    assert len(bootstrap_reads(responder)) == 4  # the call and its premise history, twice


def test_the_audit_writes_do_not_grow_with_the_working_set(api, responder, team, dispatcher):
    device = DeviceFactory(team=team)
    api.login_as(responder, device=device.pk)

    def audit_inserts():
        with CaptureQueriesContext(connection) as queries:
            fetch(api, device)
        return sum(1 for q in queries.captured_queries if 'INSERT INTO "audit_auditentry"' in q["sql"])

    assigned_call(dispatcher, team)
    small = audit_inserts()
    for n in range(8):
        another_call(dispatcher, team, location_text=f"{n} Larimer St")
    # One bulk insert for the new incidents, however many, and one for the active call's premise history.
    assert audit_inserts() == small == 2
