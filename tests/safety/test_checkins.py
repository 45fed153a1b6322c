"""On-scene check-ins: the sweep starts a team's clock when it is on scene, alerts dispatch once when
"All OK?" goes unanswered past the grace period (board and team streams, timeline, audit), and the
tablet's answer (through sync) moves the clock on and ends the alert. The real worker and beat run it."""

import time
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.incidents import services as incident_services
from apps.incidents.models import IncidentLogEntry
from apps.safety.models import SceneCheck
from apps.safety.services import checkins_sweep
from apps.streams.models import Event
from tests.factories import CallTypeFactory, DeviceFactory
from tests.field.helpers import assigned_call
from tests.servers import CeleryWorker

SYNC = "/api/v1/field/sync/"


def on_scene(dispatcher, team, responder, *, at=None, **extra):
    incident, assignment = assigned_call(dispatcher, team, **extra)
    at = at or timezone.now()
    for status in ("en_route", "on_scene"):
        incident_services.assignment_set_status(actor=responder, assignment_id=assignment.pk, status=status, at=at)
    return incident, assignment


def answer(client, device, assignment_id):
    mutation = {"id": str(uuid.uuid4()), "type": "checkin.answer", "record": str(assignment_id), "data": {}}
    body = client.post(SYNC, {"device": str(device.pk), "mutations": [mutation]}, "json")
    assert body.status_code == 200, body.content
    return body.json()["results"][0]


@pytest.mark.django_db
def test_the_clock_starts_on_scene_and_one_late_check_in_alerts_dispatch_once(dispatcher, responder, team, settings):
    settings.FIRSTLINE_CHECKIN_GRACE_SECONDS = 60
    arrived = timezone.now() - timedelta(minutes=10)
    incident, assignment = on_scene(dispatcher, team, responder, at=arrived, priority=2)
    assert checkins_sweep() == []
    check = SceneCheck.objects.get(assignment=assignment)
    assert (check.interval_minutes, check.due_at) == (15, arrived + timedelta(minutes=15))

    assert checkins_sweep(now=arrived + timedelta(minutes=15, seconds=59)) == []  # within the grace period
    late = arrived + timedelta(minutes=16, seconds=1)
    assert checkins_sweep(now=late) == [assignment.pk]
    assert checkins_sweep(now=late + timedelta(minutes=5)) == []  # once per due time
    assert set(Event.objects.filter(kind="checkin.overdue").values_list("stream", flat=True)) == {
        "board",
        f"team:{team.pk}",
    }
    entry = IncidentLogEntry.objects.get(incident=incident, kind="checkin.overdue")
    assert entry.text == f"{team.call_sign} has not answered its on-scene check-in (1 min late)."
    assert AuditEntry.objects.filter(action="checkin.overdue", object_id=str(assignment.pk)).count() == 1


@pytest.mark.django_db
def test_a_call_type_sets_its_own_interval(dispatcher, responder, team):
    CallTypeFactory(code="overdose", name="Overdose", checkin_minutes=5)
    arrived = timezone.now()
    _incident, assignment = on_scene(dispatcher, team, responder, at=arrived, call_type="overdose")
    checkins_sweep()
    assert SceneCheck.objects.get(assignment=assignment).due_at == arrived + timedelta(minutes=5)


@pytest.mark.django_db
def test_the_tablets_answer_moves_the_clock_and_ends_the_alert(api, dispatcher, responder, team, other_team):
    arrived = timezone.now() - timedelta(minutes=30)
    incident, assignment = on_scene(dispatcher, team, responder, at=arrived)
    assert checkins_sweep() == [assignment.pk]  # the clock starts and is already late
    device = DeviceFactory(team=team)
    api.login_as(responder, device=device.pk)
    before = timezone.now()
    result = answer(api, device, assignment.pk)
    assert result["status"] == "applied", result
    check = SceneCheck.objects.get(assignment=assignment)
    assert check.overdue_at is None and check.answered_by == responder and check.answers == 1
    assert check.due_at >= before + timedelta(minutes=15)
    assert IncidentLogEntry.objects.filter(incident=incident, kind="checkin.answered").count() == 1  # a late answer
    assert Event.objects.filter(kind="checkin.answered", stream="board").exists()
    assert AuditEntry.objects.filter(action="checkin.answer", actor=responder).exists()
    clocks = api.get("/api/v1/field/bootstrap/").json()["checkins"]
    assert clocks[str(assignment.pk)]["overdue_at"] is None

    api.logout()
    api.login_as(dispatcher)
    board_team = next(t for t in api.get("/api/v1/board/").json()["teams"] if t["id"] == team.pk)
    assert board_team["current_assignment"]["checkin"]["due_at"] == check.due_at.isoformat()

    # Another team's responder, and an assignment not on scene, are refused.
    _other_incident, other = assigned_call(dispatcher, other_team)
    api.logout()
    api.login_as(responder, device=device.pk)
    assert answer(api, device, other.pk)["status"] == "rejected"
    incident_services.assignment_set_status(actor=responder, assignment_id=assignment.pk, status="cleared")
    assert answer(api, device, assignment.pk)["status"] == "rejected"


@pytest.mark.services
def test_the_real_worker_and_beat_alert_dispatch_about_a_late_check_in(transactional_db, dispatcher, responder, team):
    _incident, assignment = on_scene(dispatcher, team, responder, at=timezone.now() - timedelta(minutes=20))
    worker = CeleryWorker(beat=True, extra_env={"FIRSTLINE_CHECKIN_SWEEP_SECONDS": "1"}).start()
    try:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and not Event.objects.filter(kind="checkin.overdue").exists():
            time.sleep(0.3)
    finally:
        worker.stop()
    event = Event.objects.get(kind="checkin.overdue", stream="board")
    assert event.data["assignment"] == assignment.pk and event.data["team"] == team.pk
