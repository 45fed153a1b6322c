"""Fixtures shared by every test: people in each role, a team, API clients, and real servers.

Tests marked `services` need PostgreSQL and Redis, tests marked `browser` need Debian's Chromium.
On a laptop without them they are skipped with a reason; with FIRSTLINE_REQUIRE_SERVICES=1 (CI)
a skip of any test fails the run.
"""

import contextlib
import os
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from apps.accounts.roles import Role
from tests.factories import (
    PASSWORD,
    DeviceFactory,
    MembershipFactory,
    OrganizationFactory,
    TeamFactory,
    UserFactory,
    device_key_for,
    tablet_for,
)
from tests.servers import ROOT, AsgiServer, CeleryWorker, RedisServer

CHROMIUM = os.environ.get("FIRSTLINE_CHROMIUM", "/usr/bin/chromium")
REQUIRE_SERVICES = os.environ.get("FIRSTLINE_REQUIRE_SERVICES") == "1"


def _flush_past_the_audit_guard() -> None:
    """Transactional tests empty the database with TRUNCATE, which the audit log refuses by design
    (apps/audit/migrations/0004). The test run connects as a superuser, so it switches triggers off
    for the flush's own transaction only; the application's role could not."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        sql = original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return ["SET LOCAL session_replication_role = replica", *sql] if sql else sql

    DatabaseOperations.sql_flush = sql_flush


_flush_past_the_audit_guard()


def _compile_catalogs() -> None:
    """The .mo files are built, never committed: compile them before any test reads a translation."""
    from apps.common.catalogs import compile_all

    with contextlib.suppress(ImportError):  # Babel not installed yet: the catalog guard fails instead
        compile_all()


_compile_catalogs()


def services_available() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql") and bool(settings.REDIS_URL)


def browser_available() -> bool:
    return Path(CHROMIUM).exists()


def pytest_collection_modifyitems(config, items):
    # Browser modules last, so a driver's event loop never shares the thread with websocket tests.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    for item in items:
        if "services" in item.keywords and not services_available():
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL and Redis (set DATABASE_URL and REDIS_URL)"))
        if "browser" in item.keywords and not browser_available():
            item.add_marker(pytest.mark.skip(reason=f"needs Chromium at {CHROMIUM} (apt-get install chromium)"))


def pytest_xdist_make_scheduler(config, log):
    """`--dist loadfile`, except that tests/demo/ goes to one worker as one unit: its modules share
    one load of the whole demo (minutes), which a worker would otherwise repeat for each module."""
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class DemoTogether(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)
            return "tests/demo/" if scope.startswith("tests/demo/") else scope

    return DemoTogether(config, log)


def pytest_sessionstart(session):
    """A pytest-xdist worker's own Redis database starts empty (config/settings/test.py picks it): no
    queued task, channel message or counter left by an earlier run on this machine."""
    if os.environ.get("PYTEST_XDIST_WORKER") and settings.REDIS_URL:
        import redis

        redis.Redis.from_url(settings.REDIS_URL).flushdb()


def pytest_sessionfinish(session, exitstatus):
    if not REQUIRE_SERVICES:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped:
        if reporter:
            reporter.write_line(
                f"FIRSTLINE_REQUIRE_SERVICES=1 and {skipped} test(s) were skipped: failing the run.", red=True
            )
        session.exitstatus = 1


# --- counters -----------------------------------------------------------------------------------


def clear_counters() -> None:
    """Forget sign-in failures and throttle counts (the cache: Redis in services mode, else memory)."""
    from django.core.cache import cache
    from django.core.cache.backends.redis import RedisCache

    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=cache.make_key("*")))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _connections_let_go(django_db_setup, django_db_blocker):
    """End what still holds the test database open before it is dropped at the end of the session
    (requesting `django_db_setup` orders this first), or the drop fails with "being accessed by other
    users": the websockets' live threads keep a connection each, and connections of threads that
    have ended (asyncio's helpers in the websocket tests) are not always let go at once. The database
    is this session's own (each xdist worker has its own), so what is left on it is ours to end."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connection.close()


@pytest.fixture(autouse=True)
def _fresh_counters():
    """Each test starts with no failed sign-ins on record, as lockout counts outlive a test's database."""
    clear_counters()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """A request in Spanish leaves Spanish active in the thread (as Django's LocaleMiddleware does);
    the next test starts in the default language again, whatever ran before it."""
    yield
    from django.utils import translation

    translation.deactivate()


# --- people -------------------------------------------------------------------------------------


@pytest.fixture
def team(db):
    return TeamFactory()


@pytest.fixture
def responder(db, team):
    user = UserFactory(role=Role.RESPONDER, username="responder-a")
    MembershipFactory(team=team, user=user)
    return user


@pytest.fixture
def other_team(db):
    return TeamFactory()


@pytest.fixture
def other_responder(db, other_team):
    user = UserFactory(role=Role.RESPONDER, username="responder-b")
    MembershipFactory(team=other_team, user=user)
    return user


@pytest.fixture
def dispatcher(db):
    return UserFactory(role=Role.DISPATCHER, username="dispatcher-a")


@pytest.fixture
def call_taker(db):
    return UserFactory(role=Role.CALL_TAKER, username="calltaker-a")


@pytest.fixture
def supervisor(db):
    return UserFactory(role=Role.SUPERVISOR, username="supervisor-a")


@pytest.fixture
def analyst(db):
    return UserFactory(role=Role.ANALYST, username="analyst-a")


@pytest.fixture
def partner_user(db):
    return UserFactory(role=Role.PARTNER, username="partner-a", partner_organization=OrganizationFactory())


@pytest.fixture
def api():
    """An API client that logs in through the real login endpoint and sends CSRF like a browser."""

    class LoggedInClient(APIClient):
        def login_as(self, user, device=None):
            """Responders sign in on an enrolled tablet: their team's, made for the test if none is named."""
            body = {"username": user.username, "password": PASSWORD}
            if device is None and user.role == Role.RESPONDER:
                device = tablet_for(user)
            if device is not None:
                body["device"] = str(getattr(device, "pk", device))
                body["device_key"] = device_key_for(device)
            response = self.post("/api/v1/auth/login/", body, format="json")
            assert response.status_code == 200, response.content
            self.credentials(HTTP_X_CSRFTOKEN=self.cookies["csrftoken"].value)
            return response

    return LoggedInClient(enforce_csrf_checks=True)


@pytest.fixture
def device(team):
    """The team's registered tablet, for the sync API tests."""
    return DeviceFactory(team=team)


@pytest.fixture
def tablet(api, responder, device):
    """An API client signed in as the responder on `device`, as the field app is."""
    api.login_as(responder, device=device.pk)
    return api


# --- real servers (tests/servers.py starts them) -------------------------------------------------


@pytest.fixture
def asgi_server(transactional_db):
    """Start a daphne process for this test; data must be committed (transactional_db) to be seen."""
    (ROOT / "var").mkdir(exist_ok=True)
    server = AsgiServer().start()
    yield server
    server.stop()


@pytest.fixture
def celery_worker_process(transactional_db):
    worker = CeleryWorker().start()
    yield worker
    worker.stop()


# --- browser ------------------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium driven by Playwright; never a downloaded browser.

    Module-scoped: Playwright's sync API keeps an event loop running in this thread while it is
    open, which would break later tests that use async_to_sync (websocket tests) in the same thread.
    """
    if not browser_available():
        pytest.skip(f"needs Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    # The test's own ORM calls stay sync while Playwright's loop runs; allow them for this module only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_login(chromium, asgi_server):
    """Return a function that opens a new browser context signed in as a user, on the real server."""
    contexts = []

    def login(user, *, path: str = "/", viewport=None, **options):
        context = chromium.new_context(
            base_url=asgi_server.url, viewport=viewport or {"width": 1280, "height": 800}, **options
        )
        contexts.append(context)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("form:has(#id_password) button[type=submit]")  # not the language switch
        page.wait_for_load_state("networkidle")
        if path:
            page.goto(path)
        return page

    yield login
    for context in contexts:
        context.close()


@pytest.fixture
def private_redis():
    server = RedisServer().start()
    yield server
    server.stop()
