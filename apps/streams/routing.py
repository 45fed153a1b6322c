"""Websocket routes of the live stream."""

from django.urls import path

from apps.streams.consumers import StreamConsumer

websocket_urlpatterns = [path("ws/v1/stream/", StreamConsumer.as_asgi())]
