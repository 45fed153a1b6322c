"""One record of the working set at a time (issue 20 item 2): a live event names an assignment or an
encounter, and the tablet fetches that record alone instead of its whole bootstrap. The team's own
records only; each disclosure is on the log once per reader per window, like the bootstrap's."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditEntry
from apps.incidents import services
from apps.incidents.models import Encounter
from tests.factories import DeviceFactory, MembershipFactory, TeamFactory, UserFactory
from tests.field.helpers import assigned_call, encounter_create, note

pytestmark = pytest.mark.django_db


def record_reads(user):
    rows = AuditEntry.objects.filter(actor=user, detail__via="field.record")
    return sorted(rows.values_list("action", "object_id"))


def signed_in(api, responder, team):
    device = DeviceFactory(team=team)
    api.login_as(responder, device=device.pk)
    return device


def test_an_assignment_comes_with_its_call_clock_co_responses_and_premise_history(api, responder, team, dispatcher):
    device = signed_in(api, responder, team)
    _incident, assignment = assigned_call(dispatcher, team, location_text="Alameda Ave")
    for status in ("en_route", "on_scene"):
        services.assignment_set_status(actor=responder, assignment_id=assignment.pk, status=status)

    answer = api.get(f"/api/v1/field/assignments/{assignment.pk}/?device={device.pk}")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["assignment"]["id"] == assignment.pk and body["assignment"]["status"] == "on_scene"
    assert body["assignment"]["incident_detail"]["location_text"] == "Alameda Ave"
    assert body["checkin"]["assignment"] == assignment.pk  # on scene: the "All OK?" clock
    assert body["co_responses"] == [] and body["premise_history"] is not None
    # The same shape as the bootstrap's copy of that assignment.
    boot = api.get(f"/api/v1/field/bootstrap/?device={device.pk}").json()
    assert boot["assignments"][0] == body["assignment"]
    assert boot["checkins"][str(assignment.pk)] == body["checkin"]


def test_an_encounter_is_the_bootstrap_shape_with_its_notes(api, responder, team, dispatcher):
    device = signed_in(api, responder, team)
    incident, assignment = assigned_call(dispatcher, team)
    record = uuid.uuid4()
    for mutation in (encounter_create(incident, assignment, record=record), note(record, "Came back: fine.")):
        result = api.post("/api/v1/field/sync/", {"device": str(device.pk), "mutations": [mutation]}, format="json")
        assert result.json()["results"][0]["status"] == "applied"

    answer = api.get(f"/api/v1/field/encounters/{record}/?device={device.pk}")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["id"] == str(record) and body["version"] == 1
    assert [n["text"] for n in body["notes"]] == ["Came back: fine."]
    boot = api.get(f"/api/v1/field/bootstrap/?device={device.pk}").json()
    assert boot["encounters"] == [body]


def test_another_teams_records_are_not_found(api, responder, team, dispatcher):
    incident, assignment = assigned_call(dispatcher, team)
    version = services.encounter_record(
        actor=responder, incident_id=incident.pk, assignment_id=assignment.pk, disposition="resolved_on_scene"
    )
    other = TeamFactory(call_sign="Unit 9")
    stranger = UserFactory(role="responder")
    MembershipFactory(team=other, user=stranger)
    device = signed_in(api, stranger, other)
    assert api.get(f"/api/v1/field/assignments/{assignment.pk}/?device={device.pk}").status_code == 404
    assert api.get(f"/api/v1/field/encounters/{version.encounter_id}/?device={device.pk}").status_code == 404
    assert api.get(f"/api/v1/field/encounters/{uuid.uuid4()}/?device={device.pk}").status_code == 404
    assert record_reads(stranger) == []


def test_a_bad_device_or_no_tablet_is_refused_not_a_500(api, responder, team, dispatcher):
    _incident, assignment = assigned_call(dispatcher, team)
    assert api.get(f"/api/v1/field/assignments/{assignment.pk}/").status_code == 401  # not signed in
    api.login_as(dispatcher)  # signed in on no tablet
    assert api.get(f"/api/v1/field/assignments/{assignment.pk}/").status_code == 403
    api.logout()
    api.login_as(responder)
    assert api.get(f"/api/v1/field/assignments/{assignment.pk}/?device=nope").status_code == 400
    other = DeviceFactory(team=team)
    assert api.get(f"/api/v1/field/assignments/{assignment.pk}/?device={other.pk}").status_code == 403


def test_refetching_a_record_within_the_window_logs_it_once_and_costs_a_fixed_number_of_queries(
    api, responder, team, dispatcher
):
    device = signed_in(api, responder, team)
    incident, assignment = assigned_call(dispatcher, team)
    url = f"/api/v1/field/assignments/{assignment.pk}/?device={device.pk}"
    assert api.get(url).status_code == 200
    expected = [("incident.view", str(incident.pk)), ("premise.view", str(incident.pk))]
    assert record_reads(responder) == expected
    with CaptureQueriesContext(connection) as first:
        api.get(url)
    for n in range(5):  # more calls about, some at the same place (its premise history)
        services.incident_create(
            actor=dispatcher, summary="Noise", location_text=f"{n} Larimer St", latitude=39.735, longitude=-104.987
        )
    with CaptureQueriesContext(connection) as later:
        api.get(url)
    assert record_reads(responder) == expected  # refetches in the window add no row
    assert len(later.captured_queries) == len(first.captured_queries)
    assert not any('INSERT INTO "audit_auditentry"' in q["sql"] for q in later.captured_queries)
    assert Encounter.objects.count() == 0
