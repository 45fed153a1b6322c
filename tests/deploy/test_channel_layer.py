"""The channel layer survives a burst of websockets joining at once (issue 20, the reconnect storm).

redis-py 8 caps a connection pool at 100 connections and fails the next command at once
("Too many connections"). In the storm each returning tablet's consumer joins its groups as it
connects, so a process meeting 100 tablets in the same moment closed some of them with 1011. The
settings give the layer's pool FIRSTLINE_REDIS_MAX_CONNECTIONS (1,000 by default)."""

import asyncio

import pytest
from django.conf import settings
from redis.exceptions import MaxConnectionsError

pytestmark = pytest.mark.services

BURST = 300


async def joins_and_leaves(layer) -> None:
    names = [await layer.new_channel() for _ in range(BURST)]
    try:
        await asyncio.gather(*(layer.group_add("storm-probe", name) for name in names))
    finally:
        await asyncio.gather(*(layer.group_discard("storm-probe", name) for name in names))
        await layer.flush()


def layer_with(hosts):
    from channels_redis.core import RedisChannelLayer

    return RedisChannelLayer(hosts=hosts)


def test_three_hundred_consumers_join_their_groups_at_once():
    """The layer as the settings configure it (a fresh one: the process's own is bound to another loop)."""
    assert "Redis" in settings.CHANNEL_LAYERS["default"]["BACKEND"], "the services mode"
    asyncio.run(joins_and_leaves(layer_with(settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"])))


def test_the_same_burst_on_redis_pys_default_pool_fails():
    """The control: the layer as it was configured before (a bare URL, redis-py's default pool)."""
    url = settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]["address"]
    with pytest.raises(MaxConnectionsError):
        asyncio.run(joins_and_leaves(layer_with([url])))
