"""Positions from the field (AVL): every report is kept as history, only a newer one moves the team
(a report queued offline and sent late never steps it back), the board hears of moves, a stale
position gives no distance to recommendations, and a call's track is on the assignment's admin page."""

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from apps.board.selectors import board_snapshot
from apps.incidents import services as incident_services
from apps.streams.models import Event
from apps.teams.models import PositionReport, Team
from apps.teams.services import team_report_position, team_set_status
from tests.factories import DeviceFactory
from tests.field.helpers import assigned_call

pytestmark = pytest.mark.django_db

SYNC = "/api/v1/field/sync/"


def report(latitude, longitude, *, seconds_ago, accuracy=10):
    return {
        "id": str(uuid.uuid4()),
        "type": "position.report",
        "record": None,
        "data": {"latitude": latitude, "longitude": longitude, "accuracy": accuracy},
        "device_time": (timezone.now() - timedelta(seconds=seconds_ago)).isoformat(),
    }


def test_reports_sent_late_are_history_and_never_move_the_team_back(api, responder, team):
    device = DeviceFactory(team=team)
    api.login_as(responder, device=device.pk)
    # The outbox sends in order, but a batch may also arrive after a newer one (another tablet).
    first = api.post(SYNC, {"device": str(device.pk), "mutations": [report(39.70, -104.90, seconds_ago=60)]}, "json")
    assert first.json()["results"][0]["status"] == "applied", first.content
    newest = report(39.72, -104.92, seconds_ago=5, accuracy=6)
    late = [report(39.71, -104.91, seconds_ago=40), report(39.715, -104.915, seconds_ago=20)]
    api.post(SYNC, {"device": str(device.pk), "mutations": [newest]}, "json")
    answer = api.post(SYNC, {"device": str(device.pk), "mutations": late}, "json")
    assert [r["status"] for r in answer.json()["results"]] == ["applied", "applied"]
    team.refresh_from_db()
    assert (team.last_latitude, team.last_longitude, team.last_position_accuracy_m) == (39.72, -104.92, 6)
    kept = list(PositionReport.objects.filter(team=team).order_by("at").values_list("latitude", flat=True))
    assert kept == [39.70, 39.71, 39.715, 39.72]
    moves = list(Event.objects.filter(kind="team.position").order_by("seq").values_list("data__latitude", flat=True))
    assert moves == [39.70, 39.72]  # the late ones told the board nothing


def test_bad_positions_are_refused_with_field_errors(api, responder, team):
    device = DeviceFactory(team=team)
    api.login_as(responder, device=device.pk)
    bad = report(123.0, -104.9, seconds_ago=1)
    result = api.post(SYNC, {"device": str(device.pk), "mutations": [bad]}, "json").json()["results"][0]
    assert result["status"] == "rejected" and "latitude" in str(result["errors"]), result
    assert not PositionReport.objects.exists()


def test_a_stale_position_gives_no_distance_and_the_board_says_so(dispatcher, responder, team, settings):
    settings.FIRSTLINE_POSITION_STALE_SECONDS = 300
    team_set_status(actor=responder, team_id=team.pk, status="available")
    team_report_position(
        actor=responder,
        team_id=team.pk,
        latitude=39.74,
        longitude=-104.99,
        accuracy_m=15,
        at=timezone.now() - timedelta(minutes=10),
    )
    incident_services.incident_create(
        actor=dispatcher, summary="Man in distress", location_text="Civic Center", latitude=39.7393, longitude=-104.9894
    )
    snapshot = board_snapshot(user=dispatcher)
    row = next(t for t in snapshot["teams"] if t["id"] == team.pk)
    assert row["position"]["stale"] is True and row["position"]["accuracy_m"] == 15
    recommended = snapshot["incidents"][0]["recommended_team"]
    assert recommended["id"] == team.pk and recommended["distance_km"] is None

    team_report_position(actor=responder, team_id=team.pk, latitude=39.74, longitude=-104.99)
    snapshot = board_snapshot(user=dispatcher)
    assert next(t for t in snapshot["teams"] if t["id"] == team.pk)["position"]["stale"] is False
    assert snapshot["incidents"][0]["recommended_team"]["distance_km"] is not None


def test_a_calls_track_is_on_the_assignment_page_for_supervisors(dispatcher, responder, supervisor, team):
    _incident, assignment = assigned_call(dispatcher, team)
    for step in range(3):
        team_report_position(actor=responder, team_id=team.pk, latitude=39.70 + step / 100, longitude=-104.9)
    team_report_position(  # before the dispatch: not part of this call's track
        actor=responder,
        team_id=team.pk,
        latitude=40.5,
        longitude=-105.5,
        at=assignment.dispatched_at - timedelta(hours=1),
    )
    client = Client()
    client.force_login(supervisor)
    page = client.get(f"/admin/incidents/assignment/{assignment.pk}/change/").content.decode()
    assert "<polyline" in page and "39.71000, -104.90000" in page and "40.50000" not in page
    assert Team.objects.get(pk=team.pk).last_latitude == pytest.approx(39.72)


def test_a_faster_reporting_cadence_still_tells_the_board_of_every_move(api, responder, team, settings):
    """A program that has tablets report every 5 s while moving: each report is a move the board
    hears of (with a fixed 10 s gap, none after the first was)."""
    settings.FIRSTLINE_POSITION_REPORT_SECONDS = 5
    device = DeviceFactory(team=team)
    api.login_as(responder, device=device.pk)
    track = [report(round(39.70 + i / 100, 2), -104.90, seconds_ago=30 - 6 * i) for i in range(5)]
    answer = api.post(SYNC, {"device": str(device.pk), "mutations": track}, "json")
    assert [r["status"] for r in answer.json()["results"]] == ["applied"] * 5
    moves = list(Event.objects.filter(kind="team.position").order_by("seq").values_list("data__latitude", flat=True))
    assert moves == [39.70, 39.71, 39.72, 39.73, 39.74]
    # Reports closer together than the cadence still make at most one move in the gap.
    api.post(SYNC, {"device": str(device.pk), "mutations": [report(39.75, -104.90, seconds_ago=1)]}, "json")
    api.post(SYNC, {"device": str(device.pk), "mutations": [report(39.76, -104.90, seconds_ago=0)]}, "json")
    assert Event.objects.filter(kind="team.position").count() == 6
