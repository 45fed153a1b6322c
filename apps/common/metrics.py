"""Prometheus metrics: Firstline's own counters, shared by every process on a host.

With PROMETHEUS_MULTIPROC_DIR set (production: one empty folder per host, shared by the web
processes and the worker, emptied at boot), each process writes its samples there and /metrics on
any web process reports the sum, so the worker's reminder lateness shows up next to the websockets.
Without it (laptop, tests) each process counts for itself.
"""

import os
import socket

from prometheus_client import REGISTRY as PROCESS_REGISTRY
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess, values

if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # Containers sharing the folder each have a pid 1: name the files by host and pid instead.
    values.ValueClass = values.MultiProcessValue(lambda: f"{socket.gethostname()}_{os.getpid()}")

websockets_connected = Gauge(
    "firstline_websockets_connected", "Open live-stream websockets", multiprocess_mode="livesum"
)
events_appended = Counter("firstline_stream_events_appended", "Events appended to the log", ["stream"])
events_delivered = Counter("firstline_stream_events_delivered", "Events sent to websocket clients", ["stream"])
sync_mutations = Counter("firstline_sync_mutations", "Offline tablet mutations by outcome", ["outcome"])
reminder_lateness = Histogram(
    "firstline_reminder_lateness_seconds",
    "How long after its due time a follow-up reminder went out",
    buckets=(1, 2, 5, 10, 30, 60, 120, 300, 900, 3600),
)
webhook_failures = Counter("firstline_webhook_failures", "Partner webhook attempts that failed")
escalations = Counter("firstline_escalations", "Escalations raised", ["what"])
http_requests = Counter("firstline_http_requests", "HTTP responses by status class", ["method", "status"])


def stream_family(stream: str) -> str:
    """A label with few values: `board`, `team`, `user` (never a person's or team's id)."""
    return stream.partition(":")[0] or "other"


def exposition() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(PROCESS_REGISTRY)
