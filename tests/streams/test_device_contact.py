"""A tablet's live feed counts as contact: the board's "tablet heard from" follows the socket."""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.test import override_settings
from django.utils import timezone

from apps.accounts.models import Device
from apps.streams.names import team_stream
from tests.factories import DeviceFactory
from tests.streams.helpers import communicator, receive, send
from tests.streams.test_revocation import _headers, tablet_session

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_message_on_the_tablets_live_feed_records_its_contact(responder, team):
    device = DeviceFactory(team=team)
    session = tablet_session(responder, device)
    long_ago = timezone.now() - timedelta(hours=1)
    Device.objects.filter(pk=device.pk).update(last_seen_at=long_ago)

    async def scenario():
        comm = communicator(_headers(session))
        await comm.connect()
        await send(comm, {"type": "hello", "cursors": {team_stream(team.pk): None}})
        assert (await receive(comm))["type"] == "welcome"
        await comm.disconnect()

    with override_settings(CHANNEL_LAYERS={"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}):
        async_to_sync(scenario)()
    device.refresh_from_db()
    assert device.last_seen_at > long_ago + timedelta(minutes=59)
