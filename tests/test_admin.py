"""The supervisor admin: every registered model opens for a supervisor and for nobody else.

The page tests walk `admin.site._registry`, so a model another app registers later is covered the
day it is added. Saves and actions are checked to go through the services (audit rows, events).
"""

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Device, User
from apps.accounts.roles import Role
from apps.audit.models import AuditEntry
from apps.incidents.models import Encounter, EncounterVersion, Incident
from tests.admin_pages import build_world, client_for, optional_url, refused, url_for, world  # noqa: F401 (the world fixture)
from tests.factories import PASSWORD, MembershipFactory, OrganizationFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
# Models the `world` fixture always holds a record of, so their change page is always opened.
CORE_MODELS = {
    "accounts.User",
    "accounts.Device",
    "accounts.DeviceSession",
    "audit.AuditEntry",
    "streams.Event",
    "streams.StreamCounter",
    "teams.Team",
    "teams.Membership",
    "teams.Shift",
    "teams.UnitStatusChange",
    "teams.Certification",
    "incidents.CallType",
    "incidents.Incident",
    "incidents.Assignment",
    "incidents.Encounter",
    "incidents.EncounterVersion",
}


# --- every registered model ---------------------------------------------------------------------


def test_the_core_models_are_registered():
    assert {model._meta.label for model in REGISTERED} >= CORE_MODELS


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_a_supervisor_opens_the_list_add_and_change_pages(model, world, supervisor):
    client = client_for(supervisor)
    request = RequestFactory().get("/admin/")
    request.user = supervisor
    model_admin = admin.site._registry[model]

    assert client.get(url_for(model, "changelist")).status_code == 200
    add_url = optional_url(model, "add")
    if add_url and model_admin.has_add_permission(request):
        assert client.get(add_url).status_code == 200
    obj = model._default_manager.order_by("pk").first()
    if model._meta.label in CORE_MODELS:
        assert obj is not None, f"the world fixture should hold a {model._meta.label}"
    change_url = optional_url(model, "change", quote(obj.pk)) if obj is not None else None
    if change_url:
        assert client.get(change_url).status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_a_responder_is_refused_every_admin_page(model, world, responder):
    client = client_for(responder)
    obj = model._default_manager.order_by("pk").first()
    urls = [
        url_for(model, "changelist"),
        optional_url(model, "add"),
        optional_url(model, "change", quote(obj.pk)) if obj is not None else None,
    ]
    for url in filter(None, urls):
        assert refused(client.get(url)), url


def test_list_pages_take_as_many_queries_for_many_rows_as_for_few(world, supervisor, dispatcher):
    client = client_for(supervisor)
    models = [model for model in REGISTERED if model._meta.label in CORE_MODELS]

    def count_queries() -> dict:
        counts = {}
        for model in models:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url_for(model, "changelist")).status_code == 200
            counts[model._meta.label] = len(queries)
        return counts

    count_queries()  # warm up the session and content types
    few = count_queries()
    for _ in range(3):
        team = TeamFactory()
        responder = UserFactory(role=Role.RESPONDER)
        MembershipFactory(team=team, user=responder)
        build_world(dispatcher=dispatcher, responder=responder, team=team)
    many = count_queries()
    grew = {label: (few[label], many[label]) for label in few if many[label] != few[label]}
    assert not grew, f"queries per list page grew with the rows (few, many): {grew}"


@pytest.mark.parametrize("role", [Role.RESPONDER, Role.DISPATCHER, Role.CALL_TAKER, Role.ANALYST, Role.PARTNER])
def test_the_admin_index_is_refused_to_everyone_but_supervisors(role):
    extra = {"partner_organization": OrganizationFactory()} if role == Role.PARTNER else {}
    user = UserFactory(role=role, **extra)
    response = client_for(user).get(reverse("admin:index"))
    assert refused(response)


def test_a_staff_flag_alone_does_not_open_the_admin():
    user = UserFactory(role=Role.DISPATCHER)
    User.objects.filter(pk=user.pk).update(is_staff=True)
    assert refused(client_for(User.objects.get(pk=user.pk)).get(reverse("admin:index")))


def test_a_supervisor_and_an_administrator_enter_the_admin(supervisor):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    assert client_for(supervisor).get(reverse("admin:index")).status_code == 200
    assert client_for(administrator).get(reverse("admin:index")).status_code == 200


def test_a_supervisor_signs_in_through_the_admin_login_page(supervisor):
    client = Client()
    response = client.post(reverse("admin:login"), {"username": supervisor.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


# --- the audit log stays append-only ------------------------------------------------------------


def test_audit_entries_cannot_be_added_changed_or_deleted_in_the_admin(world, supervisor):
    entry = AuditEntry.objects.first()
    client = client_for(supervisor)
    request = RequestFactory().get("/admin/")
    request.user = supervisor
    model_admin = admin.site._registry[AuditEntry]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)
    assert "delete_selected" not in model_admin.get_actions(request)

    assert client.get(url_for(AuditEntry, "add")).status_code == 403
    assert client.post(url_for(AuditEntry, "change", entry.pk), {"action": "tampered"}).status_code == 403
    assert client.post(url_for(AuditEntry, "delete", entry.pk), {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.action != "tampered"
    page = client.get(url_for(AuditEntry, "changelist")).content.decode()
    assert "incident.create" in page


# --- reading people's records is audited --------------------------------------------------------


def test_opening_an_incident_in_the_admin_is_audited_with_the_admin_door(world, supervisor):
    incident = world["incident"]
    response = client_for(supervisor).get(url_for(Incident, "change", incident.pk))
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(action="incident.view", object_id=str(incident.pk)).get()
    assert entry.door == "admin"
    assert entry.actor == supervisor
    assert entry.object_type == "incidents.incident"


def test_opening_an_encounter_or_one_of_its_versions_is_audited(world, supervisor):
    encounter = world["encounter"]
    client = client_for(supervisor)
    response = client.get(url_for(Encounter, "change", encounter.pk))
    assert response.status_code == 200
    assert "Talked with him for twenty minutes" in response.content.decode()
    version = EncounterVersion.objects.get(encounter=encounter)
    assert client.get(url_for(EncounterVersion, "change", version.pk)).status_code == 200
    entries = AuditEntry.objects.filter(action="encounter.view", object_id=str(encounter.pk), door="admin")
    assert entries.count() == 2
    assert {e.actor_id for e in entries} == {supervisor.pk}


def test_the_incident_list_does_not_audit_a_view_per_row(world, supervisor):
    client_for(supervisor).get(url_for(Incident, "changelist"))
    assert not AuditEntry.objects.filter(action="incident.view").exists()


@pytest.mark.parametrize("model", [Incident, Encounter, EncounterVersion, Device])
def test_searching_with_free_text_never_fails(world, supervisor, model):
    response = client_for(supervisor).get(url_for(model, "changelist"), {"q": "not-a-number shelter"})
    assert response.status_code == 200


def test_the_audit_log_can_be_filtered_by_role_and_door(world, supervisor):
    client = client_for(supervisor)
    response = client.get(url_for(AuditEntry, "changelist"), {"role": "responder", "door": "command"})
    assert response.status_code == 200
    rows = list(response.context["cl"].queryset)
    assert rows
    assert {(row.actor_role, row.door) for row in rows} == {("responder", "command")}
    assert "Responder" in response.content.decode()
