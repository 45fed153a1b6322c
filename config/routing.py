from apps.streams.routing import websocket_urlpatterns

__all__ = ["websocket_urlpatterns"]
