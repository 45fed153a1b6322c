"""Settings for the test suite.

Without DATABASE_URL / REDIS_URL the suite runs on SQLite and the in-memory channel layer and
skips what needs the services; CI sets both and requires every test to run.
"""

from .base import *  # noqa: F403
from .base import VAR_DIR, database_from_env

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
