"""The emergency button through its real doors: who may raise, acknowledge and resolve it, what each
step writes (audit rows, timeline, events on the board and the team's streams), and the outbox's copy
of a press being the same emergency as the API's."""

import uuid

import pytest
from django.core import mail

from apps.audit.models import AuditEntry
from apps.incidents.models import IncidentLogEntry
from apps.safety.models import Emergency
from apps.streams.models import Event
from tests.factories import DeviceFactory
from tests.field.helpers import assigned_call

pytestmark = pytest.mark.django_db

RAISE = "/api/v1/field/emergencies/"


def board_door(emergency_id, step):
    return f"/api/v1/board/emergencies/{emergency_id}/{step}/"


def press(client, **extra):
    return client.post(RAISE, {"id": str(uuid.uuid4()), "latitude": 39.74, "longitude": -104.99, **extra}, "json")


@pytest.fixture
def tablet(api, responder, team):
    api.login_as(responder, device=DeviceFactory(team=team).pk)
    return api


def test_a_responder_raises_for_their_team_with_the_position_and_the_call(tablet, responder, dispatcher, team):
    incident, _assignment = assigned_call(dispatcher, team)
    answer = press(tablet, accuracy=12)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["team"], body["incident"], body["status"]) == (team.pk, incident.pk, "open")
    assert (body["latitude"], body["longitude"], body["accuracy_m"]) == (39.74, -104.99, 12)
    emergency = Emergency.objects.get(pk=body["id"])
    assert emergency.raised_by == responder
    kinds = set(Event.objects.filter(kind="emergency.raised").values_list("stream", flat=True))
    assert kinds == {"board", f"team:{team.pk}"}
    assert IncidentLogEntry.objects.filter(incident=incident, kind="emergency.raised").exists()
    assert AuditEntry.objects.filter(action="emergency.raise", actor=responder, object_id=str(emergency.pk)).exists()


def test_without_a_position_or_a_call_the_emergency_is_still_raised(tablet, team):
    answer = tablet.post(RAISE, {"id": str(uuid.uuid4())}, format="json")
    assert answer.status_code == 201, answer.content
    assert (answer.json()["latitude"], answer.json()["incident"]) == (None, None)


def test_supervisors_are_emailed(tablet, supervisor, django_capture_on_commit_callbacks):
    supervisor.email = "sup@example.org"
    supervisor.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert press(tablet).status_code == 201
    assert [m.to for m in mail.outbox] == [["sup@example.org"]]
    assert "Emergency" in mail.outbox[0].subject


def test_a_responder_may_not_raise_for_another_team(tablet, other_team):
    answer = press(tablet, team=other_team.pk)
    assert answer.status_code == 403
    assert not Emergency.objects.exists()


@pytest.mark.parametrize("role", ["dispatcher", "call_taker", "supervisor", "analyst"])
def test_nobody_but_a_responder_raises(api, request, role):
    api.login_as(request.getfixturevalue(role))
    assert press(api).status_code == 403
    assert not Emergency.objects.exists()


def test_the_same_press_sent_by_the_api_and_then_by_the_outbox_is_one_emergency(tablet, responder, team):
    emergency_id = str(uuid.uuid4())
    assert tablet.post(RAISE, {"id": emergency_id}, format="json").status_code == 201
    device = DeviceFactory(team=team)
    tablet.login_as(responder, device=device.pk)
    mutation = {"id": emergency_id, "type": "emergency.raise", "record": emergency_id, "data": {}}
    for _ in range(2):
        answer = tablet.post("/api/v1/field/sync/", {"device": str(device.pk), "mutations": [mutation]}, "json")
        assert answer.json()["results"][0]["status"] in {"applied", "duplicate"}, answer.content
    assert Emergency.objects.filter(raised_by=responder).count() == 1
    assert Event.objects.filter(kind="emergency.raised", stream="board").count() == 1


def test_an_emergency_queued_offline_is_raised_by_the_sync(api, responder, team):
    device = DeviceFactory(team=team)
    api.login_as(responder, device=device.pk)
    mutation_id = str(uuid.uuid4())
    mutation = {"id": mutation_id, "type": "emergency.raise", "data": {"latitude": 39.7, "longitude": -105.0}}
    answer = api.post("/api/v1/field/sync/", {"device": str(device.pk), "mutations": [mutation]}, "json")
    assert answer.json()["results"][0]["status"] == "applied", answer.content
    assert Emergency.objects.get(pk=mutation_id).latitude == 39.7


def test_dispatch_acknowledges_then_resolves_and_the_board_snapshot_follows(tablet, api, dispatcher, team):
    incident, _assignment = assigned_call(dispatcher, team)
    emergency_id = press(tablet).json()["id"]
    api.login_as(dispatcher)
    assert [e["id"] for e in api.get("/api/v1/board/").json()["emergencies"]] == [emergency_id]
    refused = api.post(board_door(emergency_id, "resolve"), {}, format="json")
    assert refused.status_code == 400  # acknowledge first
    assert api.post(board_door(emergency_id, "acknowledge"), {}, format="json").json()["status"] == "acknowledged"
    assert api.get("/api/v1/board/").json()["emergencies"][0]["status"] == "acknowledged"
    resolved = api.post(board_door(emergency_id, "resolve"), {"notes": "Team safe"}, format="json")
    assert resolved.json()["status"] == "resolved"
    assert api.get("/api/v1/board/").json()["emergencies"] == []
    for action in ("emergency.acknowledge", "emergency.resolve"):
        assert AuditEntry.objects.filter(action=action, actor=dispatcher, object_id=emergency_id).exists()
    steps = list(IncidentLogEntry.objects.filter(incident=incident, kind__startswith="emergency.").values_list("kind"))
    assert steps == [("emergency.raised",), ("emergency.acknowledged",), ("emergency.resolved",)]
    for kind in ("emergency.acknowledged", "emergency.resolved"):
        streams = set(Event.objects.filter(kind=kind).values_list("stream", flat=True))
        assert streams == {"board", f"team:{team.pk}"}


@pytest.mark.parametrize("role", ["responder", "call_taker", "analyst", "partner_user"])
def test_only_dispatch_acknowledges_or_resolves(tablet, api, request, role):
    emergency_id = press(tablet).json()["id"]
    other = api if role != "responder" else tablet
    if role != "responder":
        other.login_as(request.getfixturevalue(role))
    for step in ("acknowledge", "resolve"):
        assert other.post(board_door(emergency_id, step), {}, format="json").status_code == 403
    assert Emergency.objects.get(pk=emergency_id).acknowledged_at is None


def test_a_supervisor_acknowledges_too(tablet, api, supervisor):
    emergency_id = press(tablet).json()["id"]
    api.login_as(supervisor)
    assert api.post(board_door(emergency_id, "acknowledge"), {}, format="json").status_code == 200
