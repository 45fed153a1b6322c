"""ASGI app for bench/stream_latency.py: the real application plus a plain Channels forwarder.

`/bench/plain/` joins one group and forwards whatever is group_sent to it, with no event log, no
authorization and no ordering: the baseline the real stream is compared with.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from config.routing import websocket_urlpatterns  # noqa: E402

# One group per run, so channels left in Redis by an earlier run never slow this one down.
PLAIN_GROUP = os.environ.get("BENCH_PLAIN_GROUP", "bench.plain")


class PlainForwarder(AsyncWebsocketConsumer):
    async def connect(self):
        await self.channel_layer.group_add(PLAIN_GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(PLAIN_GROUP, self.channel_name)

    async def bench_message(self, message):
        await self.send(text_data=message["text"])


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AuthMiddlewareStack(
            URLRouter([path("bench/plain/", PlainForwarder.as_asgi()), *websocket_urlpatterns])
        ),
    }
)
