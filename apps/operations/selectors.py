"""Reads about the installation itself: is each part alive, is this process ready to serve."""

from datetime import timedelta

import redis
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from apps.operations import conf
from apps.operations.models import Alert, Heartbeat

_migrations_done = False


def parts_stopped(now=None) -> dict[str, object]:
    """Each part whose last heartbeat is older than the limit (or missing), with when it was last seen."""
    now = now or timezone.now()
    limit = now - timedelta(seconds=conf.stale_after_seconds())
    seen = dict(Heartbeat.objects.values_list("part", "at"))
    return {part: seen.get(part) for part in Heartbeat.Part.values if seen.get(part) is None or seen[part] < limit}


def alerts_open():
    return Alert.objects.filter(cleared_at__isnull=True).order_by("raised_at")


def _migrations_applied() -> bool:
    global _migrations_done
    if not _migrations_done:
        executor = MigrationExecutor(connection)
        _migrations_done = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrations_done


def _redis_answers() -> bool:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        return bool(client.ping())
    finally:
        client.close()


def readiness() -> tuple[bool, dict]:
    """What a load balancer asks: can this process serve (database, Redis, schema)? And how is the rest?

    Only this process's own needs decide `ready`; a stopped worker or beat shows as `degraded` in
    the body (and as an alert) but does not take every web process out of rotation with it.
    """
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:
        checks["database"] = f"failed: {type(error).__name__}"
    if settings.REDIS_URL:
        try:
            checks["redis"] = "ok" if _redis_answers() else "failed"
        except Exception as error:
            checks["redis"] = f"failed: {type(error).__name__}"
    else:
        checks["redis"] = "not used"
    if checks["database"] == "ok":
        try:
            checks["migrations"] = "ok" if _migrations_applied() else "pending"
        except Exception as error:
            checks["migrations"] = f"failed: {type(error).__name__}"
        stopped = parts_stopped()
        for part in Heartbeat.Part.values:
            if part not in stopped:
                checks[part] = "ok"
            else:
                last = stopped[part]
                checks[part] = f"stale since {last.isoformat()}" if last else "never seen"
    ready = all(checks.get(name) in ("ok", "not used") for name in ("database", "redis", "migrations"))
    background_ok = all(checks.get(part) == "ok" for part in Heartbeat.Part.values)
    return ready, {"status": "ok" if ready and background_ok else "degraded" if ready else "unavailable", **checks}
