"""The embedded default: one laptop, no services. SQLite (WAL), in-memory channels, file broker."""

from .base import *  # noqa: F403
from .base import VAR_DIR, database_from_env, env, env_bool

DEBUG = env_bool("DEBUG", True)
DATABASES = {"default": database_from_env(VAR_DIR / "firstline.sqlite3")}

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 (WhiteNoise warns about a missing folder)

# Mail the worker sends in the embedded run is written to files, not over the console.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"

# The embedded run's worker keeps Celery's own quiet console (`--loglevel=WARNING` in scripts/firstline.py).
CELERY_WORKER_HIJACK_ROOT_LOGGER = True
