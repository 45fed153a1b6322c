"""The access log: every incident write through the API leaves a row, and no row can be changed."""

import pytest
from django.db import DatabaseError, connection, transaction
from rest_framework.test import APIClient

from apps.audit.models import AuditEntry
from apps.audit.services import audit_record
from tests.factories import sign_in_body

pytestmark = pytest.mark.django_db


def signed_in(user) -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    response = client.post("/api/v1/auth/login/", sign_in_body(user), format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    return client


def test_incident_create_assign_and_status_changes_are_audited_with_door_and_ip(dispatcher, responder, team):
    desk = signed_in(dispatcher)
    field = signed_in(responder)

    created = desk.post(
        "/api/v1/incidents/", {"location_text": "Union Station", "summary": "Man asleep in the cold"}, format="json"
    )
    assert created.status_code == 201
    incident_id = created.json()["id"]
    assigned = desk.post(f"/api/v1/incidents/{incident_id}/assignments/", {"team": team.pk}, format="json")
    assert assigned.status_code == 201
    assignment_id = assigned.json()["id"]
    assert field.post(f"/api/v1/assignments/{assignment_id}/acknowledge/").status_code == 200
    assert (
        field.post(f"/api/v1/assignments/{assignment_id}/status/", {"status": "en_route"}, format="json").status_code
        == 200
    )

    create = AuditEntry.objects.get(action="incident.create", object_id=str(incident_id))
    assert (create.actor, create.actor_role, create.door, create.ip) == (dispatcher, "dispatcher", "api", "127.0.0.1")
    assert create.object_type == "incidents.incident"

    assign = AuditEntry.objects.get(action="assignment.create", object_id=str(assignment_id))
    assert (assign.actor, assign.door, assign.ip) == (dispatcher, "api", "127.0.0.1")
    assert assign.detail == {"incident": incident_id, "team": team.pk}

    ack = AuditEntry.objects.get(action="assignment.acknowledge", object_id=str(assignment_id))
    assert (ack.actor, ack.door) == (responder, "api")

    status = AuditEntry.objects.get(action="assignment.status", object_id=str(assignment_id))
    assert (status.actor, status.door, status.ip) == (responder, "api", "127.0.0.1")
    assert status.detail == {"status": "en_route"}


def test_reading_an_incident_through_the_api_is_audited(dispatcher):
    desk = signed_in(dispatcher)
    incident_id = desk.post(
        "/api/v1/incidents/", {"location_text": "Union Station", "summary": "Welfare check"}, format="json"
    ).json()["id"]
    assert desk.get(f"/api/v1/incidents/{incident_id}/").status_code == 200
    view = AuditEntry.objects.get(action="incident.view")
    assert (view.actor, view.door, view.object_id, view.outcome) == (dispatcher, "api", str(incident_id), "ok")


def test_without_a_trusted_proxy_a_forwarded_header_does_not_change_the_recorded_address(dispatcher):
    """Attack: the client writes X-Forwarded-For itself to hide behind someone else's address."""
    desk = signed_in(dispatcher)
    desk.post(
        "/api/v1/incidents/",
        {"location_text": "Union Station", "summary": "Welfare check"},
        format="json",
        HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.1",
    )
    assert AuditEntry.objects.get(action="incident.create").ip == "127.0.0.1"


def test_behind_one_trusted_proxy_the_address_it_appended_is_recorded_not_the_forged_one(dispatcher, settings):
    """The proxy appends what it saw to whatever the client sent; only that last entry is believed."""
    settings.FIRSTLINE_TRUSTED_PROXIES = 1
    desk = signed_in(dispatcher)
    desk.post(
        "/api/v1/incidents/",
        {"location_text": "Union Station", "summary": "Welfare check"},
        format="json",
        HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.9",
        REMOTE_ADDR="10.0.0.1",
    )
    assert AuditEntry.objects.get(action="incident.create").ip == "203.0.113.9"


def test_a_refused_write_is_not_recorded_as_done(responder):
    field = signed_in(responder)
    response = field.post("/api/v1/incidents/", {"location_text": "x", "summary": "y"}, format="json")
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="incident.create").exists()


def test_saving_an_existing_audit_row_raises(dispatcher):
    entry = audit_record(actor=dispatcher, action="incident.view")
    entry.action = "rewritten"
    with pytest.raises(RuntimeError, match="append-only"):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).action == "incident.view"


def test_deleting_an_audit_row_raises(dispatcher):
    entry = audit_record(actor=dispatcher, action="incident.view")
    with pytest.raises(RuntimeError, match="append-only"):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_row_written_outside_a_request_says_it_came_from_a_command(dispatcher):
    entry = audit_record(actor=dispatcher, action="incident.view")
    assert entry.door == "command"
    assert entry.ip is None


@pytest.mark.services
def test_the_database_refuses_a_raw_update_of_an_audit_row(dispatcher):
    entry = audit_record(actor=dispatcher, action="incident.view")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET action = %s WHERE id = %s", ["rewritten", entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "incident.view"


@pytest.mark.services
def test_the_database_refuses_a_raw_delete_of_an_audit_row(dispatcher):
    entry = audit_record(actor=dispatcher, action="incident.view")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.services
def test_a_queryset_update_is_refused_too(dispatcher):
    entry = audit_record(actor=dispatcher, action="incident.view")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="rewritten")
    assert AuditEntry.objects.get(pk=entry.pk).action == "incident.view"
