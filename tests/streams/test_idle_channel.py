"""A websocket with nothing to hear for a while keeps listening on the Redis channel layer.

channels-redis waits for a channel's next message with a blocking pop of `brpop_timeout` (5 s) and
tries again; redis-py 8 gives every read a 5 s socket timeout by default, so the pop's own empty
answer could arrive after the read gave up. The consumer holding the process's receive then died
with "Timeout reading from Redis" and its socket closed: on a quiet night, one board or tablet in
each process every few seconds (seen in CI's daphne logs). The layer's reads wait longer than the
pop (config/settings/base.py)."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

pytestmark = pytest.mark.services


def test_an_idle_channel_waits_past_the_blocking_pop_without_a_redis_error():
    async def listen_to_silence():
        layer = get_channel_layer()
        channel = await layer.new_channel()
        # Two empty pops in a row: the wait ends because we stop it, not because a read failed.
        with pytest.raises(TimeoutError) as ended:
            await asyncio.wait_for(layer.receive(channel), timeout=2 * layer.brpop_timeout + 1)
        return ended.value

    assert type(async_to_sync(listen_to_silence)()) is TimeoutError  # asyncio's, not redis-py's
