"""GET /api/v1/board/: one consistent snapshot, dispatch roles only, constant query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.incidents import services
from apps.incidents.models import CallType
from apps.streams.models import Event
from apps.streams.selectors import stream_head
from apps.teams.services import team_report_position
from tests.factories import MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def make_calls(dispatcher, n, teams=()):
    calls = []
    for i in range(n):
        calls.append(
            services.incident_create(
                actor=dispatcher,
                summary=f"Call {i}",
                location_text="Somewhere",
                priority=1 + i % 4,
                latitude=39.7 + i / 100,
                longitude=-104.9,
            )
        )
    for incident, team in zip(calls, teams, strict=False):
        services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
    return calls


def test_the_snapshot_has_the_board_seq_targets_calls_and_teams(api, dispatcher, team):
    responder = UserFactory(role="responder")
    MembershipFactory(team=team, user=responder)
    team_report_position(actor=responder, team_id=team.pk, latitude=39.7, longitude=-104.9)
    make_calls(dispatcher, 3)
    api.login_as(dispatcher)
    body = api.get("/api/v1/board/").json()
    assert body["seq"] == stream_head(stream="board")
    assert body["response_targets"] == {"1": 10, "2": 20, "3": 45, "4": 120}
    assert [i["priority"] for i in body["incidents"]] == [1, 2, 3]
    first = body["incidents"][0]
    assert first["target_minutes"] == 10 and first["due_at"]
    assert first["recommended_team"]["id"] == team.pk
    row = next(t for t in body["teams"] if t["id"] == team.pk)
    assert row["status"] == "available" and row["position"]["latitude"] == 39.7
    assert row["position"]["age_seconds"] >= 0 and row["seconds_in_status"] >= 0


def test_the_snapshot_shows_assignments_with_delivery_and_escalation(api, dispatcher, team):
    incident = make_calls(dispatcher, 1, teams=[team])[0]
    api.login_as(dispatcher)
    body = api.get("/api/v1/board/").json()
    call = next(i for i in body["incidents"] if i["id"] == incident.pk)
    assert call["assignments"][0]["team_call_sign"] == team.call_sign
    assert call["assignments"][0]["delivered_at"] is None
    assert call["recommended_team"] is None  # the only team is busy
    row = next(t for t in body["teams"] if t["id"] == team.pk)
    assert row["current_assignment"]["incident"] == incident.pk


def test_the_recommendation_needs_the_call_types_capabilities(api, dispatcher):
    CallType.objects.create(code="medical_check", name="Medical check", required_capabilities=["emt"])
    TeamFactory(capabilities=["peer_support"])
    emt = TeamFactory(capabilities=["peer_support", "emt"])
    services.incident_create(actor=dispatcher, summary="Dizzy", location_text="Park", call_type="medical_check")
    api.login_as(dispatcher)
    call = api.get("/api/v1/board/").json()["incidents"][0]
    assert call["recommended_team"]["id"] == emt.pk


@pytest.mark.parametrize("role", ["responder", "call_taker", "analyst"])
def test_only_dispatch_roles_get_the_snapshot(api, role):
    user = UserFactory(role=role)
    api.login_as(user)
    assert api.get("/api/v1/board/").status_code == 403


def test_the_query_count_does_not_grow_with_calls_and_teams(dispatcher):
    from apps.board.selectors import board_snapshot

    teams = [TeamFactory() for _ in range(2)]
    make_calls(dispatcher, 2, teams=teams)
    with CaptureQueriesContext(connection) as small:
        board_snapshot(user=dispatcher)
    more = [TeamFactory() for _ in range(6)]
    make_calls(dispatcher, 12, teams=more)
    with CaptureQueriesContext(connection) as large:
        snapshot = board_snapshot(user=dispatcher)
    assert len(snapshot["incidents"]) == 14
    assert len(large.captured_queries) == len(small.captured_queries)


def test_reassign_through_the_board_api(api, dispatcher, team, other_team):
    incident = make_calls(dispatcher, 1, teams=[team])[0]
    assignment = incident.assignments.get()
    api.login_as(dispatcher)
    response = api.post(f"/api/v1/board/assignments/{assignment.pk}/reassign/", {"team": other_team.pk}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["team"] == other_team.pk
    assert (
        api.post(f"/api/v1/board/assignments/{assignment.pk}/reassign/", {"team": "x"}, format="json").status_code
        == 400
    )
    assert Event.objects.filter(stream="board", kind="assignment.created").count() == 2


def test_the_board_page_is_for_dispatch_roles(client, dispatcher, responder):
    client.force_login(responder)
    assert client.get("/board/").status_code == 403
    client.force_login(dispatcher)
    response = client.get("/board/")
    assert response.status_code == 200
    assert b"board.js" in response.content and b"Keyboard shortcuts" in response.content
    assert "csrftoken" in response.cookies


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/board/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
