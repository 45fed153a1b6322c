"""The scheduled heartbeat: proves beat → broker → worker and the live stream's channel layer work."""

import asyncio
import logging

from asgiref.sync import async_to_sync
from celery import shared_task
from channels.layers import get_channel_layer

from apps.operations import services
from apps.operations.models import Heartbeat

logger = logging.getLogger(__name__)


async def _channel_layer_round_trip() -> None:
    layer = get_channel_layer()
    channel = await layer.new_channel("firstline.heartbeat.")
    await layer.send(channel, {"type": "heartbeat"})
    await asyncio.wait_for(layer.receive(channel), timeout=5)


@shared_task(ignore_result=True)
def heartbeat() -> None:
    services.heartbeat_record(part=Heartbeat.Part.TASKS)
    try:
        async_to_sync(_channel_layer_round_trip)()
        services.heartbeat_record(part=Heartbeat.Part.STREAM)
    except Exception as error:
        logger.warning("the channel layer did not carry a heartbeat: %s", error)
    services.alerts_check()
