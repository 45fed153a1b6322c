"""Team status and position: who may set them, what is refused, and what the teams API shows."""

import pytest
from rest_framework.test import APIClient

from apps.common.errors import ApplicationError, PermissionRefused
from apps.incidents import services as incident_services
from apps.streams.models import Event
from apps.teams import services
from apps.teams.models import Capability, UnitStatus, UnitStatusChange
from tests.doors import api_as

pytestmark = pytest.mark.django_db


def make_busy(dispatcher, team):
    incident = incident_services.incident_create(actor=dispatcher, summary="Welfare check", location_text="Park")
    return incident_services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)


# --- status -------------------------------------------------------------------------------------


def test_a_responder_takes_their_own_team_off_duty(responder, team):
    services.team_set_status(actor=responder, team_id=team.pk, status=UnitStatus.OFF_DUTY, note="end of shift")
    team.refresh_from_db()
    assert team.status == UnitStatus.OFF_DUTY
    change = UnitStatusChange.objects.get(team=team)
    assert (change.previous_status, change.status, change.changed_by, change.note) == (
        UnitStatus.AVAILABLE,
        UnitStatus.OFF_DUTY,
        responder,
        "end of shift",
    )
    streams = set(Event.objects.filter(kind="team.status").values_list("stream", flat=True))
    assert streams == {"board", f"team:{team.pk}"}


def test_a_responder_cannot_set_another_teams_status(responder, other_team):
    with pytest.raises(PermissionRefused):
        services.team_set_status(actor=responder, team_id=other_team.pk, status=UnitStatus.OFF_DUTY)
    other_team.refresh_from_db()
    assert other_team.status == UnitStatus.AVAILABLE


def test_a_dispatcher_may_set_any_teams_status(dispatcher, other_team):
    services.team_set_status(actor=dispatcher, team_id=other_team.pk, status=UnitStatus.OUT_OF_SERVICE)
    other_team.refresh_from_db()
    assert other_team.status == UnitStatus.OUT_OF_SERVICE


def test_a_busy_team_cannot_go_off_duty(dispatcher, responder, team):
    make_busy(dispatcher, team)
    with pytest.raises(ApplicationError, match="working a call"):
        services.team_set_status(actor=responder, team_id=team.pk, status=UnitStatus.OFF_DUTY)
    team.refresh_from_db()
    assert team.status == UnitStatus.ASSIGNED


def test_statuses_that_follow_a_call_cannot_be_set_by_hand(dispatcher, team):
    with pytest.raises(ApplicationError, match="follows the team's call"):
        services.team_set_status(actor=dispatcher, team_id=team.pk, status=UnitStatus.ON_SCENE)


def test_setting_the_same_status_twice_writes_no_history(dispatcher, team):
    services.team_set_status(actor=dispatcher, team_id=team.pk, status=UnitStatus.AVAILABLE)
    assert not UnitStatusChange.objects.filter(team=team).exists()


def test_partners_and_analysts_cannot_set_a_status(partner_user, analyst, team):
    for user in (partner_user, analyst):
        with pytest.raises(PermissionRefused):
            services.team_set_status(actor=user, team_id=team.pk, status=UnitStatus.OFF_DUTY)


def test_the_status_api_answers_with_the_team(responder, team):
    response = api_as(responder).post(f"/api/v1/teams/{team.pk}/status/", {"status": "out_of_service"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "out_of_service"


def test_the_status_api_refuses_a_busy_team_with_400(dispatcher, responder, team):
    make_busy(dispatcher, team)
    response = api_as(responder).post(f"/api/v1/teams/{team.pk}/status/", {"status": "off_duty"}, format="json")
    assert response.status_code == 400
    assert "working a call" in response.json()["detail"]


def test_the_status_api_refuses_another_team_with_403(responder, other_team):
    response = api_as(responder).post(f"/api/v1/teams/{other_team.pk}/status/", {"status": "off_duty"}, format="json")
    assert response.status_code == 403


def test_the_status_api_rejects_an_unknown_status_with_field_errors(responder, team):
    response = api_as(responder).post(f"/api/v1/teams/{team.pk}/status/", {"status": "napping"}, format="json")
    assert response.status_code == 400
    assert "status" in response.json()


# --- position -----------------------------------------------------------------------------------


def test_a_responder_reports_their_teams_position(responder, team):
    response = api_as(responder).post(
        f"/api/v1/teams/{team.pk}/position/", {"latitude": 39.7392, "longitude": -104.9903}, format="json"
    )
    assert response.status_code == 200
    team.refresh_from_db()
    assert (team.last_latitude, team.last_longitude) == (39.7392, -104.9903)
    assert Event.objects.filter(stream="board", kind="team.position", data__team=team.pk).count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"latitude": 91, "longitude": 0}, "latitude"),
        ({"latitude": -90.5, "longitude": 0}, "latitude"),
        ({"latitude": 0, "longitude": 181}, "longitude"),
        ({"latitude": 0, "longitude": -180.01}, "longitude"),
        ({"latitude": "north", "longitude": 0}, "latitude"),
        ({"longitude": 0}, "latitude"),
    ],
)
def test_a_position_off_the_earth_is_a_400_with_field_errors(responder, team, body, field):
    response = api_as(responder).post(f"/api/v1/teams/{team.pk}/position/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    team.refresh_from_db()
    assert team.last_position_at is None


def test_the_service_itself_refuses_a_position_off_the_earth(responder, team):
    with pytest.raises(ApplicationError, match="not on Earth"):
        services.team_report_position(actor=responder, team_id=team.pk, latitude=120.0, longitude=0.0)


def test_a_responder_cannot_report_another_teams_position(responder, other_team):
    response = api_as(responder).post(
        f"/api/v1/teams/{other_team.pk}/position/", {"latitude": 39.7, "longitude": -104.9}, format="json"
    )
    assert response.status_code == 403


def test_rapid_position_reports_do_not_flood_the_board(responder, team):
    for step in range(3):
        services.team_report_position(actor=responder, team_id=team.pk, latitude=39.7 + step / 1000, longitude=-104.9)
    assert Event.objects.filter(stream="board", kind="team.position").count() == 1
    team.refresh_from_db()
    assert team.last_latitude == pytest.approx(39.702)


# --- the teams list -----------------------------------------------------------------------------


def test_the_teams_api_lists_call_sign_status_and_capabilities(dispatcher, team, other_team):
    response = api_as(dispatcher).get("/api/v1/teams/")
    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["results"]}
    assert set(rows) == {team.pk, other_team.pk}
    row = rows[team.pk]
    assert {"id", "call_sign", "status", "capabilities"} <= set(row)
    assert row["call_sign"] == team.call_sign
    assert row["status"] == "available"
    assert set(row["capabilities"]) <= set(Capability.values)
    assert row["capabilities"] == team.capabilities


def test_the_teams_api_shows_a_busy_teams_current_call(dispatcher, team):
    assignment = make_busy(dispatcher, team)
    rows = {row["id"]: row for row in api_as(dispatcher).get("/api/v1/teams/").json()["results"]}
    assert rows[team.pk]["status"] == "assigned"
    assert rows[team.pk]["current_assignment"]["id"] == assignment.pk


def test_a_responder_sees_the_teams(responder, team):
    assert api_as(responder).get("/api/v1/teams/").status_code == 200


@pytest.mark.parametrize("who", ["partner_user", "analyst"])
def test_partners_and_analysts_are_refused_the_teams_list(request, who, team):
    user = request.getfixturevalue(who)
    response = api_as(user).get("/api/v1/teams/")
    assert response.status_code == 403
    assert "detail" in response.json()


def test_the_teams_list_is_refused_without_signing_in(team):
    assert APIClient().get("/api/v1/teams/").status_code in {401, 403}
