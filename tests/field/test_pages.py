"""The installable shell: page, manifest, icons and a service worker allowed to control /field/."""

import json

import pytest

from apps.field.icons import png_bytes
from tests.factories import DeviceFactory
from tests.field.helpers import assigned_call

pytestmark = pytest.mark.django_db


def test_the_shell_is_served_without_personal_data_and_without_caching(client, responder):
    client.force_login(responder)
    response = client.get("/field/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert 'rel="manifest"' in body and "/static/field/app.js" in body
    assert responder.username not in body and responder.first_name not in body


def test_the_service_worker_may_control_the_field_scope_and_is_never_cached(client):
    response = client.get("/field/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/field/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert "/static/field/app.js" in body and '"/field/"' in body


def test_the_manifest_makes_the_app_installable(client):
    response = client.get("/field/manifest.webmanifest")
    manifest = json.loads(response.content)
    assert response["Content-Type"] == "application/manifest+json"
    assert manifest["start_url"] == "/field/" and manifest["scope"] == "/field/"
    assert manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_icons_are_real_pngs_of_their_size():
    data = png_bytes(192)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(data[16:20], "big") == 192


def test_bootstrap_holds_the_teams_calls_and_words_and_audits_the_reads(api, responder, team, dispatcher):
    from apps.audit.models import AuditEntry

    device = DeviceFactory(team=team)
    incident, assignment = assigned_call(dispatcher, team)
    api.login_as(responder, device=device.pk)
    response = api.get(f"/api/v1/field/bootstrap/?device={device.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["team"]["id"] == team.pk and body["me"]["username"] == responder.username
    [call] = body["assignments"]
    assert call["id"] == assignment.pk and call["incident_detail"]["caller_notes"]
    assert call["incident_detail"]["safety_flags"] == ["dog on scene"]
    assert "shelter" in body["vocab"]["needs"] and "resolved_on_scene" in body["vocab"]["dispositions"]
    assert set(body["cursors"]) == {f"team:{team.pk}", f"user:{responder.pk}"}
    assert AuditEntry.objects.filter(action="incident.view", object_id=str(incident.pk), actor=responder).exists()


def test_bootstrap_shows_nothing_of_other_teams(api, responder, team, other_team, dispatcher):
    assigned_call(dispatcher, other_team)
    api.login_as(responder)
    assert api.get("/api/v1/field/bootstrap/").json()["assignments"] == []


def test_bootstrap_is_for_responders_on_a_team(api, dispatcher):
    api.login_as(dispatcher)
    assert api.get("/api/v1/field/bootstrap/").status_code == 403


def test_bootstrap_tells_a_revoked_tablet_so_at_its_next_contact(api, responder, team, supervisor):
    from apps.accounts.services import device_revoke

    device = DeviceFactory(team=team)
    api.login_as(responder, device=device)
    device_revoke(actor=supervisor, device_id=device.pk)
    response = api.get(f"/api/v1/field/bootstrap/?device={device.pk}")
    assert response.status_code == 401 and response.json()["code"] == "device_revoked"


def test_bootstrap_tells_a_stranger_nothing_about_tablet_ids(client, team, supervisor):
    """The attack: probe the bootstrap without a session to learn which tablet ids exist or were revoked."""
    from apps.accounts.services import device_revoke

    existing, revoked = DeviceFactory(team=team), DeviceFactory(team=team)
    device_revoke(actor=supervisor, device_id=revoked.pk)
    answers = [
        client.get(f"/api/v1/field/bootstrap/?device={some}")
        for some in ("00000000-0000-4000-8000-000000000099", existing.pk, revoked.pk)
    ]
    assert [a.status_code for a in answers] == [401, 401, 401]
    assert answers[0].json() == answers[1].json() == answers[2].json()


def test_bootstrap_refuses_another_teams_tablet(api, responder, team, other_team, dispatcher):
    """The attack: signed in on their own tablet, a responder asks for another team's tablet's working set."""
    assigned_call(dispatcher, other_team, summary="Other team's call")
    api.login_as(responder)
    other = DeviceFactory(team=other_team)
    response = api.get(f"/api/v1/field/bootstrap/?device={other.pk}")
    assert response.status_code == 403 and response.json()["code"] == "device_mismatch"
    assert b"Other team" not in response.content


def test_resources_for_the_field_come_from_the_directory(api, responder):
    from tests.factories import ServiceFactory

    service = ServiceFactory(name="Riverton Night Shelter")
    api.login_as(responder)
    response = api.get("/api/v1/field/resources/")
    assert response.status_code == 200
    body = response.json()
    assert body["available"] is True
    [card] = [r for r in body["results"] if r["id"] == str(service.pk)]
    assert card["name"] == "Riverton Night Shelter"
    assert {"hours", "needs", "phone", "eligibility", "languages", "address"} <= set(card)


def test_demo_tablets_are_registered_once_per_demo_team():
    import io

    from apps.accounts.models import Device
    from apps.demo.field import demo_device_id, load_demo_data
    from tests.factories import TeamFactory

    TeamFactory(call_sign="CR-1")
    TeamFactory(call_sign="CR-12")
    load_demo_data(stdout=io.StringIO())
    load_demo_data(stdout=io.StringIO())
    assert set(Device.objects.values_list("pk", flat=True)) == {demo_device_id(1), demo_device_id(12)}
    assert str(demo_device_id(12)) == "00000000-0000-4000-8000-000000000012"


def test_demo_tablets_enroll_with_their_documented_code_renewed_by_every_load(client):
    import io

    from apps.demo.field import demo_device_id, load_demo_data
    from tests.factories import TeamFactory

    TeamFactory(call_sign="CR-3")
    load_demo_data(stdout=io.StringIO())
    first = client.post(
        "/api/v1/devices/enroll/", {"enrollment_code": "DEMO-TEAM-0003"}, content_type="application/json"
    )
    assert first.status_code == 200 and first.json()["device"] == str(demo_device_id(3))
    again = client.post(
        "/api/v1/devices/enroll/", {"enrollment_code": "DEMO-TEAM-0003"}, content_type="application/json"
    )
    assert again.status_code == 401
    load_demo_data(stdout=io.StringIO())
    renewed = client.post(
        "/api/v1/devices/enroll/", {"enrollment_code": "demo-team-0003"}, content_type="application/json"
    )
    assert renewed.status_code == 200
