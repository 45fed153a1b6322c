"""Production refuses to start with a SECRET_KEY an outsider could know or guess.

Each case imports `config.settings.production` in a fresh interpreter, as a server would at start.
"""

import os
import re
import secrets
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet

from tests.servers import ROOT

EXAMPLE_ENV = ROOT / "deploy" / "firstline.env.example"
PRINT_SETTINGS = "import config.settings.production as s; print('docs-sign-in', s.FIRSTLINE_API_DOCS_REQUIRE_SIGN_IN)"


def import_production(secret_key: str | None) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "FIRSTLINE_", "SECRET"))}
    env.update(
        ALLOWED_HOSTS="firstline.example.org",
        DATABASE_URL="postgres://firstline@127.0.0.1:5432/firstline",
        REDIS_URL="redis://127.0.0.1:6379/0",
        FIRSTLINE_VAR_DIR=str(ROOT / "var"),
        PYTHONPATH=str(ROOT),
        FIRSTLINE_FIELD_KEYS=Fernet.generate_key().decode(),  # production refuses to start without one
    )
    if secret_key is not None:
        env["SECRET_KEY"] = secret_key
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def example_key() -> str:
    match = re.search(r"^SECRET_KEY=(.+)$", EXAMPLE_ENV.read_text(), re.MULTILINE)
    assert match, "deploy/firstline.env.example lists a SECRET_KEY"
    return match.group(1).strip()


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(None, id="missing"),
        pytest.param("", id="empty"),
        pytest.param(example_key(), id="the-example-key"),
        pytest.param(secrets.token_urlsafe(30)[:49], id="49-characters"),
        pytest.param("ab" * 40, id="two-distinct-characters"),
        pytest.param("abcd" * 20, id="four-distinct-characters"),
        pytest.param("django-insecure-" + secrets.token_urlsafe(50), id="django-startproject-key"),
        pytest.param("dev-only-insecure-key-change-me" + secrets.token_urlsafe(40), id="the-development-key"),
        pytest.param("change-me-" + secrets.token_urlsafe(50), id="a-change-me-placeholder"),
    ],
)
def test_production_refuses_a_weak_or_known_secret_key(key):
    result = import_production(key)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr
    if key:
        assert key not in result.stderr, "the refusal must not print the key itself"


def test_production_starts_with_a_random_key_and_keeps_the_api_docs_behind_sign_in():
    result = import_production(secrets.token_urlsafe(64))
    assert result.returncode == 0, result.stderr
    assert "docs-sign-in True" in result.stdout
