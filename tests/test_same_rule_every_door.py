"""The same service rule holds whichever door a request comes through: API, admin, or command line.

Revoking a tablet is the example: only a supervisor may, and the API, the admin action and
`manage.py revoke_device` all give the same answer because all three call `device_revoke`.
"""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.models import Device
from apps.audit.models import AuditEntry
from apps.incidents import services as incident_services
from tests.factories import PASSWORD, DeviceFactory, device_key_for, tablet_for
from tests.intake.conftest import center_client, center_key, policy  # noqa: F401 (fixtures for the intake doors)

pytestmark = pytest.mark.django_db


def api_as(user) -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    body = {"username": user.username, "password": PASSWORD}
    if user.role == "responder":
        tablet = tablet_for(user)
        body.update(device=str(tablet.pk), device_key=device_key_for(tablet))
    response = client.post("/api/v1/auth/login/", body, format="json")
    assert response.status_code == 200
    client.credentials(HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    return client


def admin_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def revoke_in_admin(client: Client, device: Device):
    return client.post(
        reverse("admin:accounts_device_changelist"),
        {"action": "revoke_selected", "_selected_action": [str(device.pk)]},
    )


def revoked(device: Device) -> bool:
    device.refresh_from_db()
    return device.is_revoked


# --- a dispatcher is refused at every door ------------------------------------------------------


def test_a_dispatcher_cannot_revoke_a_tablet_through_the_api(dispatcher, team):
    device = DeviceFactory(team=team)
    response = api_as(dispatcher).post(f"/api/v1/devices/{device.pk}/revoke/", {"reason": "x"}, format="json")
    assert response.status_code == 403
    assert "supervisor" in response.json()["detail"]
    assert not revoked(device)


def test_a_dispatcher_cannot_even_enter_the_admin(dispatcher, team):
    device = DeviceFactory(team=team)
    client = admin_as(dispatcher)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    response = revoke_in_admin(client, device)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert not revoked(device)


def test_a_dispatcher_cannot_revoke_a_tablet_from_the_command_line(dispatcher, team):
    device = DeviceFactory(team=team)
    with pytest.raises(CommandError, match="Only a supervisor can revoke a tablet"):
        call_command("revoke_device", str(device.pk), "--by", dispatcher.username, "--reason", "lost")
    assert not revoked(device)


# --- a supervisor succeeds at every door --------------------------------------------------------


def test_a_supervisor_revokes_through_the_api(supervisor, team):
    device = DeviceFactory(team=team)
    response = api_as(supervisor).post(f"/api/v1/devices/{device.pk}/revoke/", {"reason": "lost"}, format="json")
    assert response.status_code == 200
    assert revoked(device)
    assert AuditEntry.objects.get(action="device.revoke").door == "api"


def test_a_supervisor_revokes_through_the_admin(supervisor, team):
    device = DeviceFactory(team=team)
    response = revoke_in_admin(admin_as(supervisor), device)
    assert response.status_code == 302
    assert revoked(device)
    assert AuditEntry.objects.get(action="device.revoke").door == "admin"


def test_a_supervisor_revokes_from_the_command_line(supervisor, responder, team, capsys):
    device = DeviceFactory(team=team)
    api_as(responder).post("/api/v1/auth/logout/")  # unrelated session, to be sure only the tablet's ends
    call_command("revoke_device", str(device.pk), "--by", supervisor.username, "--reason", "left in a cab")
    assert revoked(device)
    assert device.revoked_reason == "left in a cab"
    assert device.revoked_by == supervisor
    out = capsys.readouterr().out
    assert "Revoked tablet" in out and str(device.pk) in out
    entry = AuditEntry.objects.get(action="device.revoke")
    assert (entry.door, entry.actor) == ("command", supervisor)


def test_the_command_ends_the_tablets_open_sessions(supervisor, responder, team, capsys):
    device = DeviceFactory(team=team)
    field = APIClient()
    body = {"username": responder.username, "password": PASSWORD, "device": str(device.pk)}
    body["device_key"] = device_key_for(device)
    assert field.post("/api/v1/auth/login/", body, format="json").status_code == 200
    call_command("revoke_device", str(device.pk), "--by", supervisor.username)
    assert "1 open session(s) ended" in capsys.readouterr().out
    assert field.get("/api/v1/auth/me/").status_code in {401, 403}


def test_the_command_explains_bad_input(supervisor, team):
    device = DeviceFactory(team=team)
    with pytest.raises(CommandError, match="not a tablet id"):
        call_command("revoke_device", "tablet-7", "--by", supervisor.username)
    with pytest.raises(CommandError, match="No active user named 'nobody'"):
        call_command("revoke_device", str(device.pk), "--by", "nobody")
    with pytest.raises(CommandError, match="No such tablet"):
        call_command("revoke_device", "00000000-0000-4000-8000-000000000000", "--by", supervisor.username)


def test_the_command_says_so_when_the_tablet_was_already_revoked(supervisor, team, capsys):
    device = DeviceFactory(team=team)
    call_command("revoke_device", str(device.pk), "--by", supervisor.username)
    call_command("revoke_device", str(device.pk), "--by", supervisor.username)
    assert "already revoked" in capsys.readouterr().out
    assert AuditEntry.objects.filter(action="device.revoke").count() == 1


# --- the same holds for dispatching -------------------------------------------------------------


def test_a_responder_cannot_assign_a_team_through_the_api(responder, dispatcher, other_team):
    incident = incident_services.incident_create(actor=dispatcher, summary="Welfare check", location_text="Park")
    response = api_as(responder).post(
        f"/api/v1/incidents/{incident.pk}/assignments/", {"team": other_team.pk}, format="json"
    )
    assert response.status_code == 403
    assert not incident.assignments.exists()


def test_a_dispatcher_assigns_the_same_team_through_the_api(dispatcher, team):
    incident = incident_services.incident_create(actor=dispatcher, summary="Welfare check", location_text="Park")
    response = api_as(dispatcher).post(
        f"/api/v1/incidents/{incident.pk}/assignments/", {"team": team.pk}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["team"] == team.pk


# --- caller data: one rule for a callback and for text length, whichever door a call comes in by --

SAFE = {"weapon_involved": "no", "violence_or_threats": "no", "medical_emergency": "no"}
SAFE["suicide_attempt_with_means"] = "no"


def test_a_callback_is_stored_in_e164_through_every_intake_door(policy, call_taker, center_client, center_key):
    import json

    from apps.incidents.models import Incident
    from tests.intake.eido_samples import eido

    page = Client()
    page.force_login(call_taker)
    answers = {f"q_{k}": v for k, v in SAFE.items()}
    form = {"call_type": "welfare_check", "location_text": "Park", "summary": "Cold", "action": "decide"}
    assert page.post("/intake/screen/", {**form, **answers, "callback": "(303) 555-0101"}).status_code == 302
    body = {"call_type": "welfare_check", "location_text": "Park", "answers": SAFE, "callback": "303.555.0102"}
    assert api_as(call_taker).post("/api/v1/intake/screen/", body, format="json").status_code == 201
    open311 = {"api_key": center_key[1], "service_code": "welfare-check", "address_string": "Park"}
    open311 |= {f"attribute[{k}]": v for k, v in SAFE.items()} | {"phone": "+1 303 555 0103"}
    assert APIClient().post("/open311/v2/requests.json", open311).status_code == 201
    doc = eido()
    doc["callbackComponent"][0]["callBackInformationUri"] = ["tel:303-555-0104"]
    assert (
        center_client.post("/api/v1/intake/eido/", json.dumps(doc), content_type="application/json").status_code == 201
    )
    stored = sorted(i.callback for i in Incident.objects.all())
    assert stored == ["+13035550101", "+13035550102", "+13035550103", "+13035550104"]


def test_not_a_phone_is_never_stored_whichever_door(policy, call_taker, center_client, center_key):
    import json

    from apps.incidents.models import Incident
    from tests.intake.eido_samples import eido

    page = Client()
    page.force_login(call_taker)
    answers = {f"q_{k}": v for k, v in SAFE.items()}
    form = {"call_type": "welfare_check", "location_text": "Park", "summary": "Cold", "action": "decide"}
    assert page.post("/intake/screen/", {**form, **answers, "callback": "not a phone"}).status_code == 400
    body = {"call_type": "welfare_check", "location_text": "Park", "answers": SAFE, "callback": "not a phone"}
    refused = api_as(call_taker).post("/api/v1/intake/screen/", body, format="json")
    assert refused.status_code == 400 and "callback" in refused.json()
    open311 = {"api_key": center_key[1], "service_code": "welfare-check", "address_string": "Park"}
    open311 |= {f"attribute[{k}]": v for k, v in SAFE.items()} | {"phone": "not a phone"}
    response = APIClient().post("/open311/v2/requests.json", open311)
    assert response.status_code == 400 and "phone" in response.json()[0]["description"]
    assert not Incident.objects.exists()
    doc = eido()
    doc["callbackComponent"][0]["callBackInformationUri"] = ["tel:not-a-phone"]
    answer = center_client.post("/api/v1/intake/eido/", json.dumps(doc), content_type="application/json")
    assert answer.status_code == 201 and answer.json()["warnings"]
    assert Incident.objects.get().callback == ""


def test_a_5000_character_summary_is_refused_at_every_door(policy, call_taker, center_key):
    from apps.incidents.models import Incident

    long = "x" * 5000
    page = Client()
    page.force_login(call_taker)
    answers = {f"q_{k}": v for k, v in SAFE.items()}
    form = {"call_type": "welfare_check", "location_text": "Park", "action": "decide"}
    assert page.post("/intake/screen/", {**form, **answers, "summary": long}).status_code == 400
    body = {"call_type": "welfare_check", "location_text": "Park", "answers": SAFE, "summary": long}
    assert api_as(call_taker).post("/api/v1/intake/screen/", body, format="json").status_code == 400
    incident = {"summary": long, "location_text": "Park"}
    assert api_as(call_taker).post("/api/v1/incidents/", incident, format="json").status_code == 400
    open311 = {"api_key": center_key[1], "service_code": "welfare-check", "address_string": "Park"}
    open311 |= {f"attribute[{k}]": v for k, v in SAFE.items()} | {"description": long}
    assert APIClient().post("/open311/v2/requests.json", open311).status_code == 400
    assert not Incident.objects.exists()


def test_markup_in_an_address_is_stored_as_text_and_escaped_on_the_page(policy, call_taker, center_key):
    from apps.intake import services

    held = services.held_call_create(
        actor=center_key[0].service_user,
        call_center=center_key[0],
        call_type=None,
        location_text='<img src=x onerror="alert(1)">Park',
        summary="<script>alert(2)</script>",
    )
    assert held.location_text == '<img src=x onerror="alert(1)">Park'
    page = Client()
    page.force_login(call_taker)
    html = page.get(f"/intake/screen/?incident={held.pk}").content.decode()
    assert "<script>alert(2)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


# --- a point needs both halves, whichever door the call comes through -----------------------------


def test_a_latitude_alone_is_refused_by_the_api_with_a_field_error(dispatcher):
    body = {"summary": "Welfare check", "location_text": "Park", "latitude": 39.7}
    response = api_as(dispatcher).post("/api/v1/incidents/", body, format="json")
    assert response.status_code == 400
    assert response.json()["longitude"] == ["Give both latitude and longitude, or neither."]


def test_a_latitude_alone_is_refused_by_the_service_the_admin_and_eido_call(supervisor):
    from apps.common.errors import ApplicationError
    from apps.incidents.models import Incident

    with pytest.raises(ApplicationError) as refused:
        incident_services.incident_create(actor=supervisor, summary="Cold", location_text="Park", longitude=-104.9)
    assert "longitude" in refused.value.extra
    incident = incident_services.incident_create(actor=supervisor, summary="Cold", location_text="Park")
    with pytest.raises(ApplicationError):  # an edit (admin change form, EIDO update) may not drop one half
        incident_services.incident_update(actor=supervisor, incident_id=incident.pk, latitude=39.7)
    client = admin_as(supervisor)
    form = {"source": "911", "priority": 3, "summary": "Cold", "location_text": "Park", "latitude": "39.7"}
    for inline in ("assignments", "encounters", "timeline"):
        form |= {f"{inline}-TOTAL_FORMS": "0", f"{inline}-INITIAL_FORMS": "0"}
    response = client.post(reverse("admin:incidents_incident_add"), form, follow=True)
    page = response.content.decode()
    assert "Give both latitude and longitude, or neither." in page
    assert "successfully" not in page
    assert Incident.objects.get() == incident  # the one made above, nothing from the admin
    assert AuditEntry.objects.filter(action="incident.create").count() == 1


# --- a partnership is written only by its service, and the admin refuses before saving ----------


def test_an_agreement_ending_before_it_starts_is_a_form_error_and_nothing_is_saved(supervisor):
    from apps.resources.models import Organization

    organization = Organization.objects.create(name="Eastgate Food Bank", description="x")
    url = reverse("admin:resources_organization_change", args=[organization.pk])
    form = {"name": "Renamed", "description": "x", "partnership_status": "formal", "partnership_notes": "New"}
    form |= {"agreement_start": "2026-06-01", "agreement_end": "2026-01-01"}
    response = admin_as(supervisor).post(url, form, follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "errorlist" in page
    assert "The agreement cannot end before it starts." in page
    assert "successfully" not in page
    organization.refresh_from_db()
    assert (organization.name, organization.partnership_status, organization.agreement_end) == (
        "Eastgate Food Bank",
        Organization.Partnership.NONE,
        None,
    )
    assert not AuditEntry.objects.filter(action="resources.partnership.update").exists()


def test_a_partnership_saved_in_the_admin_is_written_and_audited_by_the_service(supervisor):
    from apps.resources.models import Organization

    organization = Organization.objects.create(name="Eastgate Food Bank", description="x")
    url = reverse("admin:resources_organization_change", args=[organization.pk])
    form = {"name": "Eastgate Food Bank", "description": "x", "partnership_status": "formal"}
    form |= {"agreement_start": "2026-01-01", "agreement_end": "2026-12-31", "partnership_notes": "Signed"}
    response = admin_as(supervisor).post(url, form, follow=True)
    assert "successfully" in response.content.decode()
    organization.refresh_from_db()
    assert (organization.partnership_status, str(organization.agreement_end)) == ("formal", "2026-12-31")
    entry = AuditEntry.objects.get(action="resources.partnership.update")
    assert (entry.door, entry.actor, entry.detail["end"]) == ("admin", supervisor, "2026-12-31")


# --- a write the board or a tablet shows is announced on its stream, in the same transaction -----


def events(kind: str) -> list:
    from apps.streams.models import Event

    return list(Event.objects.filter(kind=kind).values_list("stream", "data"))


def test_follow_ups_created_completed_and_cancelled_reach_the_stream_of_whoever_works_them(supervisor, responder, team):
    from datetime import timedelta

    from django.utils import timezone

    from apps.followups import services as followups

    due = timezone.now() + timedelta(days=1)
    mine = followups.followup_create(actor=supervisor, kind="check_in_call", due_at=due, assignee_id=responder.pk)
    teams = followups.followup_create(actor=supervisor, kind="visit", due_at=due, team_id=team.pk)
    created = events("followup.created")
    assert (f"user:{responder.pk}", str(mine.pk)) in [(s, d["followup"]) for s, d in created]
    assert (f"team:{team.pk}", str(teams.pk)) in [(s, d["followup"]) for s, d in created]
    body = {"outcome": "reached"}
    response = api_as(responder).post(f"/api/v1/followups/{mine.pk}/complete/", body, format="json")
    assert response.status_code == 200
    [(stream, data)] = events("followup.completed")
    assert (stream, data["followup"], data["status"]) == (f"user:{responder.pk}", str(mine.pk), "done")
    followups.followup_cancel(actor=supervisor, followup_id=teams.pk, reason="moved away")
    [(stream, data)] = events("followup.cancelled")
    assert (stream, data["status"]) == (f"team:{team.pk}", "cancelled")


def test_a_note_on_an_encounter_reaches_the_board_and_the_team(dispatcher, responder, team):
    from tests.followups.conftest import document_encounter

    encounter = document_encounter(dispatcher=dispatcher, responder=responder, team=team).encounter
    note = incident_services.encounter_add_note(actor=responder, encounter_id=encounter.pk, text="Called back")
    announced = events("encounter.note_added")
    assert sorted(stream for stream, _ in announced) == ["board", f"team:{team.pk}"]
    assert announced[0][1] == {"encounter": str(encounter.pk), "incident": encounter.incident_id, "note": str(note.pk)}


def test_a_dismissed_duplicate_flag_reaches_the_board(dispatcher):
    from apps.intake.models import DuplicateFlag

    first, second = (
        incident_services.incident_create(actor=dispatcher, summary="Cold", location_text=place)
        for place in ("Park", "Park gate")
    )
    flag = DuplicateFlag.objects.create(incident=second, candidate=first, distance_m=20, minutes_apart=3)
    response = api_as(dispatcher).post(f"/api/v1/intake/duplicates/{flag.pk}/dismiss/", format="json")
    assert response.status_code == 200
    assert events("call.duplicate_dismissed") == [
        ("board", {"flag": flag.pk, "incident": second.pk, "candidate": first.pk})
    ]


# --- intake's admin pages write through the intake services, audited, and refuse cleanly ---------


def test_a_call_center_changed_in_the_admin_is_written_and_audited_by_the_service(supervisor):
    from apps.intake import services as intake_services
    from apps.intake.models import CallCenter

    center = intake_services.call_center_create(actor=supervisor, name="Valley 211", kind="211")
    client = admin_as(supervisor)
    url = reverse("admin:intake_callcenter_change", args=[center.pk])
    form = {"kind": "211", "contact": "ops@valley.example", "api_keys-TOTAL_FORMS": "0", "api_keys-INITIAL_FORMS": "0"}
    assert "successfully" in client.post(url, form, follow=True).content.decode()
    center.refresh_from_db()
    assert (center.contact, center.active) == ("ops@valley.example", False)
    entry = AuditEntry.objects.get(action="intake.call_center.update")
    assert (entry.door, entry.detail["fields"]) == ("admin", ["active", "contact"])
    form = {"name": "Valley 211", "kind": "211", "api_keys-TOTAL_FORMS": "0", "api_keys-INITIAL_FORMS": "0"}
    page = client.post(reverse("admin:intake_callcenter_add"), form, follow=True).content.decode()
    assert "Valley 211" in page and "successfully" not in page
    assert CallCenter.objects.count() == 1


def test_a_drafts_notes_saved_in_the_admin_are_audited_and_a_published_version_refuses(supervisor, policy):
    from apps.intake import services as intake_services
    from apps.intake.models import PolicyVersion

    draft = intake_services.policy_version_draft(actor=supervisor, policy_id=policy.policy_id)
    formsets = {
        f"{prefix}-{n}": "0"
        for prefix in ("call_types", "questions", "targets")
        for n in ("TOTAL_FORMS", "INITIAL_FORMS")
    }
    url = reverse("admin:intake_policyversion_change", args=[draft.pk])
    form = {"notes": "Tighter weapons rule", "unanswered_critical": "hold", **formsets}
    assert "successfully" in admin_as(supervisor).post(url, form, follow=True).content.decode()
    draft.refresh_from_db()
    assert draft.notes == "Tighter weapons rule"
    entry = AuditEntry.objects.get(action="intake.policy.edit")
    assert (entry.door, entry.detail["fields"]) == ("admin", ["notes"])
    from apps.common.errors import ApplicationError

    published = PolicyVersion.objects.get(pk=policy.pk)
    with pytest.raises(ApplicationError, match="already published"):
        intake_services.policy_version_edit(
            actor=supervisor, version_id=published.pk, notes="Rewritten", unanswered_critical="hold"
        )
