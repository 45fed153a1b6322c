"""Settings for the test suite.

Without DATABASE_URL / REDIS_URL the suite runs on SQLite and the in-memory channel layer and
skips what needs the services; CI sets both and requires every test to run.
"""

import os


def _redis_for_this_worker() -> None:
    """Under pytest-xdist each worker gets its own Redis database (the URL's number + 1 + its index),
    so one worker's channel groups, broker queue and counters never meet another's. Set once in the
    environment, so the daphne and Celery processes a test starts inherit the same database."""
    worker, url = os.environ.get("PYTEST_XDIST_WORKER", ""), os.environ.get("REDIS_URL", "")
    if not worker.startswith("gw") or not url or os.environ.get("FIRSTLINE_TEST_REDIS_WORKER") == worker:
        return
    base, _, number = url.rstrip("/").rpartition("/")
    if not number.isdigit():
        base, number = url.rstrip("/"), "0"
    os.environ["REDIS_URL"] = f"{base}/{int(number) + 1 + int(worker[2:])}"
    if os.environ.get("CELERY_BROKER_URL") == url:
        del os.environ["CELERY_BROKER_URL"]  # the broker follows REDIS_URL
    os.environ["FIRSTLINE_TEST_REDIS_WORKER"] = worker


_redis_for_this_worker()

from .base import *  # noqa: E402, F403
from .base import VAR_DIR, database_from_env  # noqa: E402

DEBUG = False
DATABASES = {"default": database_from_env(VAR_DIR / "test.sqlite3")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory, so real server and worker processes started by tests can share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"login": "1000/min", "intake": "1000/min"}}  # noqa: F405

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 (WhiteNoise warns about a missing folder)
# The webhook tests deliver to a fake partner on 127.0.0.1 over plain http (never in production).
FIRSTLINE_WEBHOOK_ALLOW_HTTP_LOOPBACK = True

# Logins (docs/security/logins.md): the lockout as in production, except that Django's test client
# `login()` (no request) is let through; see tests/backends.py.
AUTHENTICATION_BACKENDS = [
    "tests.backends.LockoutBackendForTestClient",
    "django.contrib.auth.backends.ModelBackend",
]
if REDIS_URL:  # noqa: F405
    # The test run's counters apart from a dev server's on the same Redis; tests/conftest.py clears them.
    CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": "firstline-test"}}  # noqa: F405
