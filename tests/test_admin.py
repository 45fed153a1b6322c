"""The supervisor admin: every registered model opens for a supervisor and for nobody else.

The page tests walk `admin.site._registry`, so a model another app registers later is covered the
day it is added. Saves and actions are checked to go through the services (audit rows, events).
"""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apps.accounts.models import Device, DeviceSession, User
from apps.accounts.roles import Role
from apps.audit.models import AuditEntry
from apps.incidents import services as incident_services
from apps.incidents.models import Encounter, EncounterVersion, Incident
from apps.incidents.states import IncidentStatus
from apps.streams.models import Event
from apps.teams.models import Certification, Membership, Shift, Team, UnitStatus
from tests.factories import (
    PASSWORD,
    CallTypeFactory,
    DeviceFactory,
    MembershipFactory,
    OrganizationFactory,
    TeamFactory,
    UserFactory,
)

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


def url_for(model, page: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


def optional_url(model, page: str, *args) -> str | None:
    """Some admins are single pages (a report, an import) with no add or change page of their own."""
    try:
        return url_for(model, page, *args)
    except NoReverseMatch:
        return None


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def refused(response) -> bool:
    if response.status_code == 403:
        return True
    return response.status_code == 302 and response.url.startswith(reverse("admin:login"))


def inline_management_data(response) -> dict:
    """The management-form fields of every inline on an admin form page, as a browser would post them."""
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name, value in management.initial.items():
            data[f"{management.prefix}-{name}"] = value
    return data


def build_world(*, dispatcher, responder, team) -> dict:
    """One of each core record around one call, made through the services wherever a service exists."""
    call_type = CallTypeFactory()
    incident = incident_services.incident_create(
        actor=dispatcher, summary="Person shouting at traffic", location_text="15th & Pearl", call_type=call_type
    )
    assignment = incident_services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
    incident_services.assignment_set_status(actor=responder, assignment_id=assignment.pk, status="on_scene")
    version = incident_services.encounter_record(
        actor=responder,
        incident_id=incident.pk,
        assignment_id=assignment.pk,
        disposition="resolved_on_scene",
        narrative="Talked with him for twenty minutes; he accepted a ride to the shelter.",
    )
    incident_services.encounter_add_note(actor=responder, encounter_id=version.encounter_id, text="Shelter confirmed.")
    device = DeviceFactory(team=team)
    DeviceSession.objects.create(device=device, user=responder, session_key="k" * 32)
    shift = Shift.objects.create(
        team=team, starts_at=timezone.now() + timedelta(hours=1), ends_at=timezone.now() + timedelta(hours=9)
    )
    shift.members.add(responder)
    Certification.objects.create(
        responder=responder,
        kind=Certification.Kind.CPR,
        issued_on=timezone.localdate(),
        expires_on=timezone.localdate() + timedelta(days=365),
    )
    OrganizationFactory()
    return {"incident": incident, "assignment": assignment, "encounter": version.encounter, "device": device}


@pytest.fixture
def world(supervisor, dispatcher, responder, team):
    return build_world(dispatcher=dispatcher, responder=responder, team=team)


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


# --- tablets ------------------------------------------------------------------------------------


def test_the_revoke_action_ends_the_tablets_sessions_at_once(supervisor, responder, team, api):
    device = DeviceFactory(team=team)
    api.login_as(responder, device=device.pk)
    session_key = DeviceSession.objects.get(device=device).session_key
    assert Session.objects.filter(session_key=session_key).exists()

    response = client_for(supervisor).post(
        url_for(Device, "changelist"), {"action": "revoke_selected", "_selected_action": [str(device.pk)]}
    )
    assert response.status_code == 302

    device.refresh_from_db()
    assert device.revoked_by == supervisor
    assert device.revoked_reason == "Revoked by supervisor in admin"
    assert DeviceSession.objects.get(device=device).ended_at is not None
    assert not Session.objects.filter(session_key=session_key).exists()
    assert api.get("/api/v1/auth/me/").status_code in {401, 403}
    assert AuditEntry.objects.filter(action="device.revoke", door="admin", actor=supervisor).exists()


def test_registering_a_tablet_in_the_admin_goes_through_the_service(supervisor, team):
    client = client_for(supervisor)
    add = client.get(url_for(Device, "add"))
    response = client.post(
        url_for(Device, "add"), {"name": "Unit 9 tablet A", "team": team.pk, **inline_management_data(add)}
    )
    # Registering answers with the one-time enrollment page (code, link, QR code), not a redirect.
    assert response.status_code == 200, response.content.decode()[:2000]
    assert "Enroll Unit 9 tablet A" in response.content.decode()
    device = Device.objects.get(name="Unit 9 tablet A")
    assert device.registered_by == supervisor
    assert AuditEntry.objects.filter(action="device.register", object_id=str(device.pk), door="admin").exists()


def test_the_tablet_page_never_shows_session_keys(world, supervisor):
    device = world["device"]
    client = client_for(supervisor)
    assert "k" * 32 not in client.get(url_for(Device, "change", device.pk)).content.decode()
    device_session = DeviceSession.objects.get(device=device)
    assert "k" * 32 not in client.get(url_for(DeviceSession, "change", device_session.pk)).content.decode()
    assert "k" * 32 not in client.get(url_for(DeviceSession, "changelist")).content.decode()


# --- teams --------------------------------------------------------------------------------------


def test_creating_a_team_in_the_admin_calls_the_service_with_checked_capabilities(supervisor):
    client = client_for(supervisor)
    add = client.get(url_for(Team, "add"))
    assert 'type="checkbox" name="capabilities"' in add.content.decode()
    response = client.post(
        url_for(Team, "add"),
        {
            "call_sign": "CR-77",
            "name": "Night team",
            "capabilities": ["clinician", "emt"],
            **inline_management_data(add),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    team = Team.objects.get(call_sign="CR-77")
    assert team.capabilities == ["clinician", "emt"]
    assert AuditEntry.objects.filter(action="team.create", object_id=str(team.pk), door="admin").exists()


def test_a_duplicate_call_sign_is_shown_as_a_form_error(supervisor, team):
    client = client_for(supervisor)
    add = client.get(url_for(Team, "add"))
    response = client.post(url_for(Team, "add"), {"call_sign": team.call_sign, **inline_management_data(add)})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_editing_a_team_keeps_its_status_and_bumps_its_version(supervisor, team):
    client = client_for(supervisor)
    change = client.get(url_for(Team, "change", team.pk))
    data = {
        "call_sign": team.call_sign,
        "name": "Renamed",
        "capabilities": ["peer_support"],
        "active": "on",
        "status": UnitStatus.OFF_DUTY,  # read-only: ignored
        **inline_management_data(change),
    }
    response = client.post(url_for(Team, "change", team.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    before = team.version
    team.refresh_from_db()
    assert team.name == "Renamed"
    assert team.capabilities == ["peer_support"]
    assert team.status == UnitStatus.AVAILABLE
    assert team.version == before + 1


def test_the_status_actions_use_the_team_service(supervisor, team, dispatcher):
    client = client_for(supervisor)
    response = client.post(url_for(Team, "changelist"), {"action": "mark_off_duty", "_selected_action": [team.pk]})
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.status == UnitStatus.OFF_DUTY
    assert Event.objects.filter(stream="board", kind="team.status", data__status="off_duty").exists()
    assert AuditEntry.objects.filter(action="team.status", object_id=str(team.pk), door="admin").exists()

    client.post(url_for(Team, "changelist"), {"action": "mark_available", "_selected_action": [team.pk]})
    team.refresh_from_db()
    assert team.status == UnitStatus.AVAILABLE


def test_a_busy_team_cannot_be_marked_off_duty_from_the_admin(supervisor, dispatcher, team):
    incident = incident_services.incident_create(actor=dispatcher, summary="Welfare check", location_text="Park")
    incident_services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
    client = client_for(supervisor)
    response = client.post(
        url_for(Team, "changelist"), {"action": "mark_off_duty", "_selected_action": [team.pk]}, follow=True
    )
    assert response.status_code == 200
    assert "is working a call" in response.content.decode()
    team.refresh_from_db()
    assert team.status == UnitStatus.ASSIGNED


def test_adding_a_membership_ends_the_responders_previous_one(supervisor, responder, team, other_team):
    client = client_for(supervisor)
    add = client.get(url_for(Membership, "add"))
    response = client.post(
        url_for(Membership, "add"),
        {"team": other_team.pk, "user": responder.pk, "position": "EMT", **inline_management_data(add)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Membership.objects.get(user=responder, active=True).team == other_team
    assert Membership.objects.get(user=responder, team=team).ended_at is not None


def test_only_shifts_that_have_not_started_may_be_deleted(supervisor, team):
    now = timezone.now()
    past = Shift.objects.create(team=team, starts_at=now - timedelta(hours=9), ends_at=now - timedelta(hours=1))
    future = Shift.objects.create(team=team, starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=9))
    client = client_for(supervisor)
    assert client.post(url_for(Shift, "delete", past.pk), {"post": "yes"}).status_code == 403
    assert client.post(url_for(Shift, "delete", future.pk), {"post": "yes"}).status_code == 302
    assert list(Shift.objects.all()) == [past]
    assert AuditEntry.objects.filter(action="shift.delete", object_id=str(future.pk)).exists()


def test_certifications_can_be_filtered_by_expiry(supervisor, responder):
    today = timezone.localdate()
    expired = Certification.objects.create(
        responder=responder, kind="cpr", issued_on=today - timedelta(days=800), expires_on=today - timedelta(days=1)
    )
    Certification.objects.create(
        responder=responder, kind="emt", issued_on=today, expires_on=today + timedelta(days=700)
    )
    response = client_for(supervisor).get(url_for(Certification, "changelist"), {"expiry": "expired"})
    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == [expired]


# --- incidents ----------------------------------------------------------------------------------


def test_creating_an_incident_in_the_admin_uses_the_service(supervisor):
    call_type = CallTypeFactory()
    client = client_for(supervisor)
    add = client.get(url_for(Incident, "add"))
    data = {
        "source": "988",
        "call_type": call_type.pk,
        "priority": 2,
        "summary": "Caller worried about her brother",
        "location_text": "1200 Elm St",
        **inline_management_data(add),
    }
    response = client.post(url_for(Incident, "add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    incident = Incident.objects.get(location_text="1200 Elm St")
    assert incident.created_by == supervisor
    assert incident.timeline.filter(kind="incident.created").exists()
    assert Event.objects.filter(stream="board", kind="incident.created", data__incident=incident.pk).exists()


def test_editing_an_incident_in_the_admin_goes_through_incident_update(world, supervisor):
    incident = world["incident"]
    client = client_for(supervisor)
    change = client.get(url_for(Incident, "change", incident.pk))
    form = change.context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields if form.initial.get(name) is not None}
    data.update({"location_text": "16th & Pearl", **inline_management_data(change)})
    response = client.post(url_for(Incident, "change", incident.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    incident.refresh_from_db()
    assert incident.location_text == "16th & Pearl"
    assert incident.timeline.filter(kind="incident.updated").exists()
    assert AuditEntry.objects.filter(action="incident.update", object_id=str(incident.pk), door="admin").exists()


def test_cancelling_calls_from_the_admin_frees_their_teams(world, supervisor, team):
    incident = incident_services.incident_create(actor=supervisor, summary="Noise", location_text="Alley")
    client = client_for(supervisor)
    response = client.post(
        url_for(Incident, "changelist"), {"action": "cancel_selected", "_selected_action": [incident.pk]}
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CANCELLED
    assert incident.cancel_reason == "Cancelled by supervisor in admin"
    assert AuditEntry.objects.filter(action="incident.cancel", object_id=str(incident.pk), door="admin").exists()


def test_incidents_and_assignments_cannot_be_deleted(world, supervisor):
    client = client_for(supervisor)
    incident = world["incident"]
    assert client.post(url_for(Incident, "delete", incident.pk), {"post": "yes"}).status_code == 403
    assert Incident.objects.filter(pk=incident.pk).exists()


# --- users --------------------------------------------------------------------------------------


def user_add_data(client, **fields) -> dict:
    add = client.get(url_for(User, "add"))
    return {
        "password1": "a long enough pass phrase 42",
        "password2": "a long enough pass phrase 42",
        **inline_management_data(add),
        **fields,
    }


def test_a_supervisor_adds_a_responder(supervisor):
    client = client_for(supervisor)
    response = client.post(url_for(User, "add"), user_add_data(client, username="new-responder", role="responder"))
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="new-responder")
    assert user.role == Role.RESPONDER
    assert not user.is_staff
    assert AuditEntry.objects.filter(action="user.create", object_id=str(user.pk), door="admin").exists()


def test_a_supervisor_cannot_make_someone_a_supervisor(supervisor, responder):
    client = client_for(supervisor)
    response = client.post(url_for(User, "add"), user_add_data(client, username="promoted", role="supervisor"))
    assert response.status_code == 200
    assert "Only an administrator can make someone a supervisor or administrator." in response.content.decode()
    assert not User.objects.filter(username="promoted").exists()

    change = client.get(url_for(User, "change", responder.pk))
    form = change.context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields if form.initial.get(name) not in (None, False)}
    data.update({"role": "administrator", **inline_management_data(change)})
    response = client.post(url_for(User, "change", responder.pk), data)
    assert response.status_code == 200
    assert "Only an administrator" in response.content.decode()
    responder.refresh_from_db()
    assert responder.role == Role.RESPONDER


def test_an_administrator_can_make_someone_a_supervisor():
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    client = client_for(administrator)
    response = client.post(url_for(User, "add"), user_add_data(client, username="new-sup", role="supervisor"))
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="new-sup")
    assert user.role == Role.SUPERVISOR
    assert user.is_staff


def test_a_partner_user_needs_an_organization(supervisor):
    client = client_for(supervisor)
    response = client.post(url_for(User, "add"), user_add_data(client, username="partner-x", role="partner"))
    assert response.status_code == 200
    assert "must belong to a partner organization" in response.content.decode()


def test_a_supervisor_can_look_at_but_not_change_an_administrator(supervisor):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    client = client_for(supervisor)
    assert client.get(url_for(User, "change", administrator.pk)).status_code == 200
    response = client.post(url_for(User, "change", administrator.pk), {"username": "taken-over", "role": "responder"})
    assert response.status_code == 403
    assert client.get(reverse("admin:auth_user_password_change", args=[administrator.pk])).status_code == 403
    administrator.refresh_from_db()
    assert administrator.username != "taken-over"


def test_the_user_list_shows_each_persons_team_without_a_query_per_row(supervisor, django_assert_max_num_queries):
    for _ in range(5):
        MembershipFactory(team=TeamFactory(), user=UserFactory())
    client = client_for(supervisor)
    client.get(url_for(User, "changelist"))
    with django_assert_max_num_queries(12):
        response = client.get(url_for(User, "changelist"))
    assert response.status_code == 200


def test_the_audit_log_can_be_filtered_by_role_and_door(world, supervisor):
    client = client_for(supervisor)
    response = client.get(url_for(AuditEntry, "changelist"), {"role": "responder", "door": "command"})
    assert response.status_code == 200
    rows = list(response.context["cl"].queryset)
    assert rows
    assert {(row.actor_role, row.door) for row in rows} == {("responder", "command")}
    assert "Responder" in response.content.decode()


def test_an_incident_changed_on_the_board_meanwhile_is_not_overwritten(world, supervisor, dispatcher):
    incident = Incident.objects.get(pk=world["incident"].pk)
    client = client_for(supervisor)
    change = client.get(url_for(Incident, "change", incident.pk))
    form = change.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    assert data["base_version"] == incident.version
    incident_services.incident_update(actor=dispatcher, incident_id=incident.pk, summary="Now two people")

    data.update({"location_text": "Somewhere else", **inline_management_data(change)})
    response = client.post(url_for(Incident, "change", incident.pk), data, follow=True)
    assert response.status_code == 200
    assert "Someone else changed this call" in response.content.decode()
    incident.refresh_from_db()
    assert incident.location_text == "15th & Pearl"
    assert incident.summary == "Now two people"
