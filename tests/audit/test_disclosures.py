"""List reads and followed streams leave one audit row naming every record they disclosed."""

import pytest
from asgiref.sync import async_to_sync

from apps.audit.models import AuditEntry
from tests.security.world import build_world
from tests.streams.helpers import close_code, communicator, headers_for, hello, send


@pytest.mark.django_db
def test_each_list_door_names_the_records_it_showed():
    world = build_world()
    supervisor = world.client_for("supervisor")
    reads = {
        "incident.list": ("/api/v1/incidents/", world.incident.pk),
        "followup.list": ("/api/v1/followups/", world.followup.pk),
        "referral.list": ("/api/v1/referrals/", world.referral.pk),
        "board.view": ("/api/v1/board/", world.incident.pk),
    }
    for action, (url, shown) in reads.items():
        assert supervisor.get(url).status_code == 200, url
        entry = AuditEntry.objects.filter(actor=world.users["supervisor"], action=action).latest("id")
        assert str(shown) in entry.record_ids, (action, entry.record_ids)


@pytest.mark.django_db
def test_the_partner_inbox_names_the_referrals_it_showed():
    world = build_world()
    partner = world.client_for("partner_x")
    assert partner.get("/partners/").status_code == 200
    entry = AuditEntry.objects.filter(actor=world.users["partner_x"], action="referral.list").latest("id")
    assert entry.door == "page"
    assert entry.record_ids == [str(world.referral.pk)]


@pytest.mark.django_db(transaction=True)
def test_following_streams_is_audited_with_the_streams_named(dispatcher, team):
    headers = headers_for(dispatcher)

    async def scenario():
        comm = communicator(headers)
        await hello(comm, {"board": None, f"team:{team.pk}": None})
        await comm.disconnect()

    async_to_sync(scenario)()
    entry = AuditEntry.objects.get(actor=dispatcher, action="stream.follow")
    assert (entry.door, entry.outcome) == ("websocket", "ok")
    assert sorted(entry.record_ids) == sorted(["board", f"team:{team.pk}"])


@pytest.mark.django_db(transaction=True)
def test_a_refused_stream_follow_is_audited_as_denied(responder):
    headers = headers_for(responder)

    async def scenario():
        comm = communicator(headers)
        await comm.connect()
        await send(comm, {"type": "hello", "cursors": {"board": None}})
        code = await close_code(comm)
        await comm.disconnect()
        return code

    assert async_to_sync(scenario)() == 4403
    entry = AuditEntry.objects.get(actor=responder, action="stream.follow")
    assert (entry.door, entry.outcome, entry.record_ids) == ("websocket", "denied", ["board"])
