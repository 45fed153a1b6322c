"""FIRSTLINE_DB_POOL_SIZE bounds a server process's PostgreSQL connections, and a burst larger than
the pool waits its turn instead of failing. Without it, Django's ASGI handler opens one connection per
request in flight: bench/reconnect_storm.py met PostgreSQL's "too many clients" as 500s."""

import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from django.conf import settings

from config.settings.base import database_pooled
from tests.deploy.test_production import server_dsn
from tests.servers import AsgiServer

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

POOL = 3
BURST = 40


def test_the_pool_setting_is_read_for_postgresql_only(monkeypatch):
    monkeypatch.setenv("FIRSTLINE_DB_POOL_SIZE", "7")
    pooled = database_pooled({"ENGINE": "django.db.backends.postgresql", "CONN_MAX_AGE": 60, "OPTIONS": {}})
    assert pooled["OPTIONS"]["pool"]["max_size"] == 7 and pooled["CONN_MAX_AGE"] == 0
    sqlite = database_pooled({"ENGINE": "django.db.backends.sqlite3", "OPTIONS": {}})
    assert "pool" not in sqlite["OPTIONS"]
    monkeypatch.setenv("FIRSTLINE_DB_POOL_SIZE", "0")
    assert "pool" not in database_pooled({"ENGINE": "django.db.backends.postgresql", "OPTIONS": {}})["OPTIONS"]


APP_NAME = "firstline-pool-test"


def test_a_burst_waits_for_the_pool_and_never_opens_more_connections():
    name = settings.DATABASES["default"]["NAME"]
    # The server's connections carry a name of their own (libpq reads PGAPPNAME), so only they are
    # counted: other tests of this process may keep connections to the same database open.
    server = AsgiServer(extra_env={"FIRSTLINE_DB_POOL_SIZE": str(POOL), "PGAPPNAME": APP_NAME}).start()
    seen, done = [], threading.Event()

    def watch():
        with psycopg.connect(server_dsn("postgres"), autocommit=True) as watcher:
            while not done.is_set():
                row = watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
                    [name, APP_NAME],
                ).fetchone()
                seen.append(row[0])
                done.wait(0.01)

    def ready(_):
        with urllib.request.urlopen(f"{server.url}/readyz", timeout=60) as answer:  # noqa: S310
            return answer.status

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with ThreadPoolExecutor(max_workers=BURST) as pool:
            statuses = list(pool.map(ready, range(BURST * 3)))
    finally:
        done.set()
        watcher.join()
        server.stop()
    assert statuses == [200] * (BURST * 3)
    assert 0 < max(seen) <= POOL, max(seen)
