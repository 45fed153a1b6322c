"""Settings shared by every way of running Firstline.

Every value that differs between a laptop and production comes from the environment, here and
nowhere else; dev, test and production only choose defaults.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from config.settings.environment import env, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("FIRSTLINE_VAR_DIR", BASE_DIR / "var"))


# --- core -------------------------------------------------------------------------------------
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "config.apps.FirstlineAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "apps.common",
    "apps.accounts",
    "apps.audit",
    "apps.streams",
    "apps.teams",
    "apps.questions",
    "apps.incidents",
    "apps.resources",
    "apps.places",
    "apps.followups",
    "apps.safety",
    "apps.intake",
    "apps.board",
    "apps.field",
    "apps.operations",
    "apps.retention",
    "apps.funding",
    "apps.feedback",
    "apps.insights",
    "apps.demo",
]

MIDDLEWARE = [
    "apps.operations.requests.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "apps.common.methods.PageMethodsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "apps.common.headers.ContentSecurityPolicyMiddleware",
    "apps.common.headers.PrivacyHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.accounts.language.LanguageMiddleware",
    "apps.common.zone.ProgramTimeZoneMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "apps.accounts.middleware.SessionGuardMiddleware",
    "apps.audit.middleware.RequestContextMiddleware",
    "apps.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.common.context_processors.program",
            ],
        },
    },
]

# --- databases --------------------------------------------------------------------------------
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def database_pooled(config: dict) -> dict:
    """With FIRSTLINE_DB_POOL_SIZE > 0, each process holds at most that many PostgreSQL connections
    (psycopg's pool). Django's ASGI handler runs every request in a thread of its own, so without a
    pool a burst of tablets opens one connection per request in flight and meets `max_connections`
    ("too many clients": 500s, seen in bench/reconnect_storm.py); with it, a burst waits its turn
    for up to FIRSTLINE_DB_POOL_TIMEOUT seconds."""
    size = env_int("FIRSTLINE_DB_POOL_SIZE", 0)
    if size > 0 and config["ENGINE"].endswith("postgresql"):
        config["CONN_MAX_AGE"] = 0  # the pool keeps the connections; Django must not
        config["OPTIONS"]["pool"] = {
            "min_size": 1,
            "max_size": size,
            "timeout": env_int("FIRSTLINE_DB_POOL_TIMEOUT", 30),
        }
    return config


def database_from_env(default_sqlite_path: Path) -> dict:
    """DATABASE_URL wins; otherwise SQLite in WAL mode, which lets the worker and server share it."""
    url = env("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
        config.setdefault("OPTIONS", {})
        return database_pooled(config)
    default_sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": default_sqlite_path,
        "OPTIONS": {
            "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=15000;"),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


# --- auth -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# A session ends FIRSTLINE_SESSION_ABSOLUTE_HOURS after sign-in however busy it is; the cookie and
# the stored session never outlive that (apps/accounts/middleware.py), and activity never renews it.
FIRSTLINE_SESSION_ABSOLUTE_HOURS = env_int("FIRSTLINE_SESSION_ABSOLUTE_HOURS", 12)
SESSION_COOKIE_AGE = FIRSTLINE_SESSION_ABSOLUTE_HOURS * 60 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Idle timeouts per role, in minutes (FIRSTLINE_IDLE_MINUTES_<ROLE> overrides each). Responders use
# shared tablets: the field app locks after this long without a touch and the server ends the session.
_IDLE_DEFAULTS = {
    "responder": 15,
    "dispatcher": 8 * 60,
    "call_taker": 8 * 60,
    "supervisor": 30,
    "partner": 60,
    "analyst": 60,
    "administrator": 30,
    "finance": 30,
}
FIRSTLINE_IDLE_MINUTES = {
    role: env_int(f"FIRSTLINE_IDLE_MINUTES_{role.upper()}", minutes) for role, minutes in _IDLE_DEFAULTS.items()
}

# --- i18n / time ------------------------------------------------------------------------------
# Every screen speaks these languages (docs/i18n.md). A person's language is, in order: `?lang=` on
# the URL, their own choice (User.language), this device's choice (the django_language cookie that
# /i18n/setlang/ sets), the browser's Accept-Language, then LANGUAGE_CODE.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60  # a tablet keeps its language for a year
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
FIRSTLINE_PROGRAM_NAME = env("FIRSTLINE_PROGRAM_NAME", "Firstline Community Response")
FIRSTLINE_PROGRAM_TIME_ZONE = env("FIRSTLINE_PROGRAM_TIME_ZONE", "America/Denver")

# --- static -----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["apps.common.api.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "apps.common.schema.FirstlineAutoSchema",
    "EXCEPTION_HANDLER": "apps.common.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "login": env("FIRSTLINE_LOGIN_RATE", "20/min"),
        "intake": env("FIRSTLINE_INTAKE_RATE", "120/min"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Firstline API",
    "DESCRIPTION": "Dispatch, field documentation and follow-up for community responder programs.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    # Our APIViews answer with hand-shaped payloads; spectacular documents their inputs and paths.
    "DISABLE_ERRORS_AND_WARNINGS": True,
    "ENABLE_DJANGO_DEPLOY_CHECK": False,  # the schema is generated in a test instead
    # Swagger UI served from our own static files (drf-spectacular-sidecar), so the CSP needs no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# The API schema and its docs page answer only signed-in users (production default: on).
FIRSTLINE_API_DOCS_REQUIRE_SIGN_IN = env_bool("FIRSTLINE_API_DOCS_REQUIRE_SIGN_IN", False)

# --- channels ---------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 caps a connection pool at 100 and fails the 101st command at once: a process
            # with a burst of websockets connecting (a reconnect storm) met "Too many connections".
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "max_connections": env_int("FIRSTLINE_REDIS_MAX_CONNECTIONS", 1000)}],
                "capacity": 1500,
                "expiry": 30,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# The live path's database work (websocket handshakes, a follower's events) runs on threads of its
# own, not behind the process's requests (apps/common/live.py).
FIRSTLINE_LIVE_THREADS = env_int("FIRSTLINE_LIVE_THREADS", 4)
FIRSTLINE_LIVE_OWN_THREADS = env_bool("FIRSTLINE_LIVE_OWN_THREADS", True)

# --- celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL == "filesystem://":
    _queue = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    for _folder in (_queue, VAR_DIR / "celery" / "processed", VAR_DIR / "celery" / "control"):
        _folder.mkdir(parents=True, exist_ok=True)
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the worker logs as LOGGING says (JSON in production)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Each app declares its periodic tasks in apps/<app>/schedule.py; config/celery.py merges them in.
CELERY_BEAT_SCHEDULE: dict = {}
FIRSTLINE_SWEEP_SECONDS = env_int("FIRSTLINE_SWEEP_SECONDS", 30)
# Worker, beat, scheduled tasks and stream delivery each show they are alive this often; three
# missed beats raise a supervisor alert (apps/operations).
FIRSTLINE_HEARTBEAT_SECONDS = float(env("FIRSTLINE_HEARTBEAT_SECONDS", "30"))
# /metrics: with a token, Prometheus sends `Authorization: Bearer <token>`; without, loopback only.
FIRSTLINE_METRICS_TOKEN = env("FIRSTLINE_METRICS_TOKEN", "")

# --- program rules and security headers ------------------------------------------------------
# Every FIRSTLINE_* rule and limit of the program is in config/settings/program.py; the CSP, the
# Permissions-Policy and API caching are in config/settings/headers.py.
from config.settings.headers import *  # noqa: E402, F403
from config.settings.program import *  # noqa: E402, F403

# --- logging ----------------------------------------------------------------------------------
# Every record carries the request id (X-Request-ID), also inside the Celery tasks a request queued.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "apps.operations.requests.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "apps.operations.requests.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env("FIRSTLINE_LOG_FORMAT", "plain"),
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "firstline@localhost")

# --- encryption at rest -----------------------------------------------------------------------
# Fernet keys, newest first (apps/common/crypto.py). Without any, the embedded demo and the tests
# derive one from SECRET_KEY; production refuses to start without them.
FIRSTLINE_FIELD_KEYS = env_list("FIRSTLINE_FIELD_KEYS")
FIRSTLINE_FIELD_KEYS_REQUIRED = False

# --- logins: client address, lockout, second factor (docs/security/logins.md) ----------------
# How many proxies in front of Firstline append to X-Forwarded-For. 0: the client is REMOTE_ADDR
# and the header is ignored; N: the Nth address from the right is the client. Anything a client
# writes further left is never believed.
FIRSTLINE_TRUSTED_PROXIES = env_int("FIRSTLINE_TRUSTED_PROXIES", 0)

# Counters (API throttles, and the sign-in lockout below) live in the cache: Redis in services mode,
# so every process counts together; process memory in the embedded run, which has one web process.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("FIRSTLINE_CACHE_PREFIX", "firstline"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Password guessing: django-axes counts failures per account and per client address (each on its
# own), and after FIRSTLINE_LOCKOUT_FAILURES locks that account or address out for
# FIRSTLINE_LOCKOUT_MINUTES; every further try restarts the wait.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# With Redis the counts live in the shared cache; without it (the embedded run) in the database,
# which the embedded run's processes share (process memory would not be, and axes warns about it).
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler" if REDIS_URL else "axes.handlers.database.AxesDatabaseHandler"
AXES_DISABLE_ACCESS_LOG = True  # the audit log records every attempt (apps.accounts.receivers)
AXES_FAILURE_LIMIT = env_int("FIRSTLINE_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("FIRSTLINE_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "apps.common.net.client_address_of"
AXES_LOCKOUT_CALLABLE = "apps.accounts.pages.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

# Second factor (django-otp): roles that must add a TOTP code or a recovery code to their password.
# Production requires it of every role that enters the admin (supervisors, administrators, finance
# staff); the embedded demo and the tests leave
# it off unless FIRSTLINE_MFA_ROLES is set, so `scripts/firstline.py run` stays one command.
FIRSTLINE_MFA_ROLES = env_list("FIRSTLINE_MFA_ROLES", "")
OTP_TOTP_ISSUER = FIRSTLINE_PROGRAM_NAME
FIRSTLINE_RECOVERY_CODES = 10
# Passkeys and security keys (django-otp-webauthn) as the second factor, never instead of the password.
# The relying party is the host name keys are bound to; origins are the exact https://host[:port] the
# pages are served on. Left empty (the embedded run, the tests) they follow the host each page was
# served on; production sets them from ALLOWED_HOSTS unless these are given (docs/security/logins.md).
FIRSTLINE_WEBAUTHN_RP_ID = env("FIRSTLINE_WEBAUTHN_RP_ID", "")
FIRSTLINE_WEBAUTHN_ORIGINS = env_list("FIRSTLINE_WEBAUTHN_ORIGINS")
OTP_WEBAUTHN_RP_NAME = env("FIRSTLINE_WEBAUTHN_RP_NAME", FIRSTLINE_PROGRAM_NAME)
OTP_WEBAUTHN_RP_ID_CALLABLE = "apps.accounts.passkeys.relying_party_id"
OTP_WEBAUTHN_ALLOWED_ORIGINS = FIRSTLINE_WEBAUTHN_ORIGINS
OTP_WEBAUTHN_HELPER_CLASS = "apps.accounts.passkeys.PasskeyHelper"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# Without configured origins the helper accepts the page's own origin only, which the check cannot see.
SILENCED_SYSTEM_CHECKS = [] if FIRSTLINE_WEBAUTHN_ORIGINS else ["otp_webauthn.E030"]
