"""End to end on real daphne processes, with an independent websocket client (`websockets`).

The log is the truth: whatever happens to the connection or to Redis, the client ends with every
event exactly once and in order.
"""

import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from apps.incidents import services
from apps.incidents.tasks import assignments_escalation_sweep
from apps.streams.names import team_stream
from apps.streams.selectors import stream_head
from apps.streams.services import stream_append
from apps.teams.models import Team, UnitStatus
from tests.servers import AsgiServer, CeleryWorker
from tests.streams.helpers import HttpSession, session_cookie
from tests.streams.realclient import StreamFollower

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Without this, a consumer would still get every event from its own slow poll of the counters;
# the scale-out tests must prove that the Redis doorbell does the work.
NO_POLL = {"FIRSTLINE_STREAM_POLL_SECONDS": "60"}


def follower(server: AsgiServer, user, cursors: dict, **kwargs) -> StreamFollower:
    return StreamFollower(
        f"{server.ws_url}/ws/v1/stream/", session_cookie(user), cursors, origin=server.url, **kwargs
    ).start()


def assign_and_cancel(dispatcher, incident, team, rounds: int, during=None) -> None:
    for i in range(rounds):
        assignment = services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
        services.assignment_cancel(actor=dispatcher, assignment_id=assignment.pk, reason="Drill")
        if during is not None:
            during(i)


def test_1000_assignments_with_random_reconnects_arrive_exactly_once_in_order(asgi_server, dispatcher):
    teams = Team.objects.bulk_create(
        [Team(call_sign=f"D-{i:04d}", status=UnitStatus.AVAILABLE, capabilities=["peer_support"]) for i in range(1000)]
    )
    incident = services.incident_create(actor=dispatcher, summary="Drill", location_text="Drill yard")
    start = stream_head(stream="board")
    client = follower(asgi_server, dispatcher, {"board": start}, chaos=0.01, seed=7)
    for team in teams:
        services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
    head = stream_head(stream="board")
    reached = client.wait_for("board", head, timeout=60)
    assert reached, f"stopped at {client.cursors['board']} of {head}: {client.story()}"
    client.finish()
    assert client.received["board"] == list(range(start + 1, head + 1))
    assert [k for _s, _q, k in client.kinds].count("assignment.created") == 1000
    assert client.reconnects >= 5


def test_a_redis_restart_in_the_middle_loses_nothing(private_redis, transactional_db, dispatcher, responder, team):
    layers = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [private_redis.url]}}}
    server = AsgiServer(extra_env={"REDIS_URL": private_redis.url, "CELERY_BROKER_URL": "memory://"}).start()
    try:
        with override_settings(CHANNEL_LAYERS=layers):
            incident = services.incident_create(actor=dispatcher, summary="Drill", location_text="Drill yard")
            stream = team_stream(team.pk)
            client = follower(server, responder, {stream: 0})

            def chaos(i):
                if i == 60:
                    private_redis.restart(down_seconds=1.5)

            assign_and_cancel(dispatcher, incident, team, 150, during=chaos)
            head = stream_head(stream=stream)
            reached = client.wait_for(stream, head, timeout=30)
            assert reached, f"stopped at {client.cursors[stream]} of {head}: {client.story()}"
            client.finish()
        assert client.received[stream] == list(range(1, head + 1))
    finally:
        server.stop()


def test_scale_out_an_event_from_one_process_or_a_worker_reaches_a_client_on_another(
    transactional_db, dispatcher, team, other_team
):
    first = AsgiServer(extra_env=NO_POLL).start()
    second = AsgiServer(extra_env=NO_POLL).start()
    worker = None
    try:
        head = stream_head(stream="board")
        client = follower(second, dispatcher, {"board": head})
        incident = services.incident_create(actor=dispatcher, summary="Drill", location_text="Drill yard")
        assert client.wait_for("board", head + 1, timeout=5)

        # An assignment made through the first process's API reaches the client on the second.
        http = HttpSession(first, dispatcher)
        before = stream_head(stream="board")
        sent_at = time.monotonic()
        created = http.post(f"/api/v1/incidents/{incident.pk}/assignments/", {"team": team.pk})
        target = stream_head(stream="board")
        assert target > before
        assert client.wait_for("board", target, timeout=3)
        assert time.monotonic() - sent_at < 2
        assert any(k == "assignment.created" and q <= target for _s, q, k in client.kinds)

        # An escalation written by a Celery worker process reaches it too.
        old = timezone.now() - timedelta(minutes=5)
        services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=other_team.pk, at=old)
        worker = CeleryWorker(extra_env=NO_POLL).start()
        assignments_escalation_sweep.apply_async()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(k == "assignment.escalated" for _s, _q, k in client.kinds):
            time.sleep(0.1)
        client.finish()
        assert any(k == "assignment.escalated" for _s, _q, k in client.kinds)
        seqs = client.received["board"]
        assert seqs == list(range(head + 1, head + 1 + len(seqs)))
        assert created["team"] == team.pk
    finally:
        if worker is not None:
            worker.stop()
        first.stop()
        second.stop()


def test_an_event_from_a_management_command_style_writer_reaches_a_real_client(asgi_server, dispatcher):
    head = stream_head(stream="board")
    client = follower(asgi_server, dispatcher, {"board": head})
    with transaction.atomic():
        stream_append(stream="board", kind="device.revoked", data={"device": "ping"})
    assert client.wait_for("board", head + 1, timeout=3)
    client.finish()
