"""An open stream as the world around it changes, through the real ASGI application (config.asgi): an
ack records the tablet's delivery, a revoked tablet, an ended session or a responder moved off the
team loses the feed, a stream not followed sends nothing, and the poller repairs a lost doorbell.
"""

import pytest
from asgiref.sync import sync_to_async
from django.test import override_settings

from apps.accounts.models import DeviceSession
from apps.accounts.services import device_revoke
from apps.incidents import services as incidents
from apps.incidents.models import AssignmentReceipt
from apps.incidents.states import AssignmentStatus
from apps.streams.consumers import (
    CLOSE_DEVICE_REVOKED,
    CLOSE_FORBIDDEN,
    CLOSE_UNAUTHENTICATED,
)
from apps.streams.models import Event, StreamCursor
from apps.streams.names import team_stream, user_stream
from tests.factories import DeviceFactory
from tests.streams.helpers import (
    append,
    close_code,
    communicator,
    headers_for,
    hello,
    new_incident,
    receive,
    receive_until,
    run,
    send,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_tablet_ack_of_a_new_assignment_records_delivery_and_tells_the_board(dispatcher, responder, team):
    incident = new_incident(dispatcher)
    board_head = Event.objects.filter(stream="board").count()
    tablet = headers_for(responder)
    board = headers_for(dispatcher)

    async def scenario():
        board_comm = communicator(board)
        await hello(board_comm, {"board": board_head})
        comm = communicator(tablet)
        await hello(comm, {team_stream(team.pk): 0})
        assignment = await sync_to_async(incidents.incident_assign)(
            actor=dispatcher, incident_id=incident.pk, team_id=team.pk
        )
        messages = await receive_until(comm, lambda m: m.get("kind") == "assignment.created")
        created = messages[-1]
        assert created["data"]["assignment"] == assignment.pk
        await send(comm, {"type": "ack", "stream": created["stream"], "seq": created["seq"]})
        seen = await receive_until(board_comm, lambda m: m.get("kind") == "assignment.delivered")
        assert seen[-1]["data"]["assignment"] == assignment.pk
        await comm.disconnect()
        await board_comm.disconnect()
        return assignment

    assignment = run(scenario)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.DISPATCHED  # a receipt is not a person's acknowledgement
    assert AssignmentReceipt.objects.filter(assignment=assignment, user=responder).count() == 1
    assert StreamCursor.objects.get(user=responder, stream=team_stream(team.pk)).seq >= 1


def test_an_ack_from_a_dispatcher_watching_a_team_is_not_a_tablet_receipt(dispatcher, team):
    incident = new_incident(dispatcher)
    headers = headers_for(dispatcher)

    async def scenario():
        comm = communicator(headers)
        await hello(comm, {team_stream(team.pk): 0})
        await sync_to_async(incidents.incident_assign)(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
        created = (await receive_until(comm, lambda m: m.get("kind") == "assignment.created"))[-1]
        await send(comm, {"type": "ack", "stream": created["stream"], "seq": created["seq"]})
        await send(comm, {"type": "ping"})
        assert await receive(comm) == {"type": "pong"}
        await comm.disconnect()

    run(scenario)
    assert not AssignmentReceipt.objects.exists()


def test_a_revoked_tablet_gets_the_event_and_is_closed(supervisor, responder):
    device = DeviceFactory()
    DeviceSession.objects.create(device=device, user=responder, session_key="tablet-session")
    headers = headers_for(responder)

    async def scenario():
        comm = communicator(headers)
        await hello(comm, {user_stream(responder.pk): 0})
        await sync_to_async(device_revoke)(actor=supervisor, device_id=device.pk, reason="Lost on a call")
        message = await receive(comm)
        assert (message["kind"], message["data"]["device"]) == ("device.revoked", str(device.pk))
        assert await close_code(comm) == CLOSE_DEVICE_REVOKED
        await comm.disconnect()

    run(scenario)


def test_events_of_streams_not_followed_are_not_sent(responder, team, other_team):
    headers = headers_for(responder)

    async def scenario():
        comm = communicator(headers)
        await hello(comm, {team_stream(team.pk): 0})
        await sync_to_async(append)(team_stream(other_team.pk))
        await sync_to_async(append)(team_stream(team.pk))
        message = await receive(comm)
        assert message["stream"] == team_stream(team.pk)
        await comm.disconnect()

    run(scenario)


def test_an_open_connection_is_closed_when_its_session_ends(responder, team):
    from django.contrib.sessions.models import Session

    headers = headers_for(responder)

    async def scenario():
        comm = communicator(headers)
        await hello(comm, {team_stream(team.pk): 0})
        await sync_to_async(Session.objects.all().delete)()  # signed out elsewhere, or idle timeout
        assert await close_code(comm, timeout=3) == CLOSE_UNAUTHENTICATED
        await comm.disconnect()

    with override_settings(FIRSTLINE_STREAM_RECHECK_SECONDS=0.3):
        run(scenario)


def test_a_responder_moved_off_the_team_loses_its_stream(supervisor, responder, team, other_team):
    from apps.teams.services import membership_set

    headers = headers_for(responder)

    async def scenario():
        comm = communicator(headers)
        await hello(comm, {team_stream(team.pk): 0})
        await sync_to_async(membership_set)(actor=supervisor, team=other_team, user=responder)
        assert await close_code(comm, timeout=3) == CLOSE_FORBIDDEN
        await comm.disconnect()

    with override_settings(FIRSTLINE_STREAM_RECHECK_SECONDS=0.3):
        run(scenario)


def test_a_lost_doorbell_is_repaired_by_the_poller(dispatcher):
    from unittest import mock

    headers = headers_for(dispatcher)

    async def scenario():
        comm = communicator(headers)
        await hello(comm, {"board": 0})
        with mock.patch("apps.streams.services.ring_doorbell"):  # the channel layer lost it
            await sync_to_async(append)("board", kind="policy.published")
        message = await receive(comm, timeout=3)
        assert (message["seq"], message["kind"]) == (1, "policy.published")
        await comm.disconnect()

    with override_settings(FIRSTLINE_STREAM_POLL_SECONDS=0.2):
        run(scenario)
