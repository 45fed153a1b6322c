"""Services mode: PostgreSQL, Redis, several ASGI processes and workers behind a proxy.

Refuses to start without a real secret key and an explicit host list.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import FIRSTLINE_FIELD_KEYS, LOGGING, database_pooled, env, env_bool, env_int, env_list

DEBUG = False

# The key in deploy/firstline.env.example: anyone can read it, so it signs nothing here.
EXAMPLE_SECRET_KEYS = {"change-me-to-a-random-string-of-at-least-fifty-characters-0123456789"}
SECRET_KEY_MIN_LENGTH = 50  # Django's own deploy check (security.W009) asks for the same
SECRET_KEY_MIN_DISTINCT_CHARACTERS = 5


def secret_key_problem(key: str | None) -> str | None:
    """Why a key would let an outsider forge sessions and password-reset links, or None if it will do."""
    if not key:
        return "SECRET_KEY is not set."
    if key in EXAMPLE_SECRET_KEYS or "change-me" in key.lower():
        return "SECRET_KEY is the example value from deploy/firstline.env.example."
    if key.startswith(("dev-only", "django-insecure-")):
        return "SECRET_KEY is a development key."
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"SECRET_KEY is shorter than {SECRET_KEY_MIN_LENGTH} characters."
    if len(set(key)) < SECRET_KEY_MIN_DISTINCT_CHARACTERS:
        return f"SECRET_KEY has fewer than {SECRET_KEY_MIN_DISTINCT_CHARACTERS} distinct characters."
    return None


SECRET_KEY = env("SECRET_KEY")
if problem := secret_key_problem(SECRET_KEY):
    raise ImproperlyConfigured(
        f"{problem} Set it to a random value of at least {SECRET_KEY_MIN_LENGTH} characters, for example the "
        "output of: python3 -c 'import secrets; print(secrets.token_urlsafe(64))'"
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names Firstline is served on.")
if not env("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL.")
if not env("REDIS_URL"):
    raise ImproperlyConfigured("REDIS_URL must point at Redis.")
# People's details are encrypted at rest with these keys (docs/security/audit-and-encryption.md).
FIRSTLINE_FIELD_KEYS_REQUIRED = True
if not FIRSTLINE_FIELD_KEYS:
    raise ImproperlyConfigured("FIRSTLINE_FIELD_KEYS must hold at least one Fernet key (newest first).")
try:
    from cryptography.fernet import Fernet

    for _key in FIRSTLINE_FIELD_KEYS:
        Fernet(_key.strip().encode())
except ValueError as exc:
    raise ImproperlyConfigured(f"FIRSTLINE_FIELD_KEYS holds a value that is not a Fernet key: {exc}") from exc

import dj_database_url  # noqa: E402

DATABASES = {
    "default": database_pooled(dj_database_url.parse(env("DATABASE_URL"), conn_max_age=env_int("DB_CONN_MAX_AGE", 60)))
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Probes and Prometheus talk plain HTTP to the process itself, not through the TLS proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
FIRSTLINE_API_DOCS_REQUIRE_SIGN_IN = env_bool("FIRSTLINE_API_DOCS_REQUIRE_SIGN_IN", True)
WHITENOISE_USE_FINDERS = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Webhooks to plain http on loopback are for the test suite only.
if FIRSTLINE_WEBHOOK_ALLOW_HTTP_LOOPBACK:  # noqa: F405
    raise ImproperlyConfigured("FIRSTLINE_WEBHOOK_ALLOW_HTTP_LOOPBACK must be off in production.")

# One JSON object per log line (FIRSTLINE_LOG_FORMAT=plain to read them by eye).
LOGGING["handlers"]["console"]["formatter"] = env("FIRSTLINE_LOG_FORMAT", "json")

# Errors go to Sentry (or a self-hosted GlitchTip) only when a DSN is given. Crisis data must not
# travel with them: no personal data, no request bodies, no local variables in stack frames.
SENTRY_DSN = env("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=0.0,
    )
# Logins (docs/security/logins.md): supervisors, administrators and finance staff (the admin's
# doors: money, accounts, every record) give a second factor unless the operator lists other roles;
# set FIRSTLINE_TRUSTED_PROXIES to the number of proxies in front.
FIRSTLINE_MFA_ROLES = env_list("FIRSTLINE_MFA_ROLES", "supervisor,administrator,finance")
# Passkeys are bound to one host name and accepted only from the https origins listed; by default
# the first and every name in ALLOWED_HOSTS (a leading-dot or "*" entry names no origin).
_PAGE_HOSTS = [host for host in ALLOWED_HOSTS if host != "*" and not host.startswith(".")]
FIRSTLINE_WEBAUTHN_RP_ID = env("FIRSTLINE_WEBAUTHN_RP_ID", "") or (_PAGE_HOSTS[0] if _PAGE_HOSTS else "")
FIRSTLINE_WEBAUTHN_ORIGINS = env_list("FIRSTLINE_WEBAUTHN_ORIGINS") or [f"https://{host}" for host in _PAGE_HOSTS]
OTP_WEBAUTHN_ALLOWED_ORIGINS = FIRSTLINE_WEBAUTHN_ORIGINS
SILENCED_SYSTEM_CHECKS = []
if not FIRSTLINE_WEBAUTHN_RP_ID or not FIRSTLINE_WEBAUTHN_ORIGINS:
    raise ImproperlyConfigured("Set FIRSTLINE_WEBAUTHN_RP_ID and FIRSTLINE_WEBAUTHN_ORIGINS (where passkeys work).")
