"""ASGI entry point: HTTP through Django, websockets through the stream consumer."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from apps.accounts.middleware import SecondFactorWebsocketMiddleware, websocket_auth_stack  # noqa: E402
from apps.common.startup import process_ready  # noqa: E402
from config.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            websocket_auth_stack(SecondFactorWebsocketMiddleware(URLRouter(websocket_urlpatterns)))
        ),
    }
)

process_ready()
