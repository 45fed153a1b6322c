"""Limits and timings of the live stream, read when a connection opens so tests can override them.

Each value is a Django setting when the lead has added it to config/settings/base.py, otherwise
the environment variable of the same name, otherwise the default here.
"""

import os

from django.conf import settings


def _value(name: str, default: float) -> float:
    if hasattr(settings, name):
        return getattr(settings, name)
    raw = os.environ.get(name)
    return type(default)(raw) if raw not in (None, "") else default


def ping_seconds() -> float:
    return float(_value("FIRSTLINE_STREAM_PING_SECONDS", 30.0))


def recheck_seconds() -> float:
    """How often an open connection re-checks its session and its right to each stream."""
    return float(_value("FIRSTLINE_STREAM_RECHECK_SECONDS", 300.0))


def hello_timeout_seconds() -> float:
    return float(_value("FIRSTLINE_STREAM_HELLO_TIMEOUT_SECONDS", 10.0))


def max_frame_bytes() -> int:
    return int(_value("FIRSTLINE_STREAM_MAX_FRAME_BYTES", 16384))


def rate_burst() -> int:
    """How many client messages a connection may send at once before the rate applies."""
    return int(_value("FIRSTLINE_STREAM_RATE_BURST", 300))


def rate_per_second() -> float:
    return float(_value("FIRSTLINE_STREAM_RATE_PER_SECOND", 60.0))


def max_streams() -> int:
    return int(_value("FIRSTLINE_STREAM_MAX_STREAMS", 50))


def replay_batch() -> int:
    return int(_value("FIRSTLINE_STREAM_REPLAY_BATCH", 200))


def embedded() -> bool:
    """True when the channel layer lives in this process only (no Redis)."""
    layers = getattr(settings, "CHANNEL_LAYERS", {}) or {}
    backend = layers.get("default", {}).get("BACKEND", "")
    return backend.endswith("InMemoryChannelLayer") or not backend


def poll_seconds() -> float:
    """How often this process checks the counters itself: fast when there is no Redis to ring us,
    slow with Redis, where it only repairs a doorbell that Redis lost (restart, expiry)."""
    configured = _value("FIRSTLINE_STREAM_POLL_SECONDS", 0.0)
    if configured:
        return float(configured)
    return 0.3 if embedded() else 2.0


def retention():
    return settings.FIRSTLINE_STREAM_RETENTION
