"""Project-level behaviour: settings refuse bad production config, pages route each role home."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_check(env_overrides: dict, *args: str) -> subprocess.CompletedProcess:
    dropped = {
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "REDIS_URL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "FIRSTLINE_FIELD_KEYS",
    }
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


GOOD = {
    "SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-0123456789-abcdefghijk",
    "ALLOWED_HOSTS": "firstline.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/firstline",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "FIRSTLINE_FIELD_KEYS": "FR_t5Ah4sY1Mm7lzWw6pSgl3JyXqWZ_9G3Lq2vC1KxM=",
}


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "FIRSTLINE_FIELD_KEYS"]
)
def test_production_refuses_to_start_without_its_settings(missing):
    result = run_check({k: v for k, v in GOOD.items() if k != missing})
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_a_field_key_that_is_not_a_fernet_key():
    result = run_check({**GOOD, "FIRSTLINE_FIELD_KEYS": "not-a-key"})
    assert result.returncode != 0
    assert "FIRSTLINE_FIELD_KEYS" in result.stderr


def test_production_passes_the_deploy_check_with_no_warnings():
    result = run_check(GOOD, "--deploy")
    assert result.returncode == 0, result.stderr
    assert "no issues (0 silenced)" in result.stdout


@pytest.mark.django_db
def test_the_api_schema_and_docs_render(client):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


@pytest.mark.django_db
def test_health_check_answers(client):
    assert client.get("/healthz").content == b"ok"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fixture", "target"),
    [
        ("dispatcher", "/board/"),
        ("responder", "/field/"),
        ("call_taker", "/intake/screen/"),
        ("supervisor", "/admin/"),
        ("partner_user", "/partners/"),
    ],
)
def test_home_sends_each_role_to_its_screen(client, request, fixture, target):
    client.force_login(request.getfixturevalue(fixture))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == target


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get("/").status_code == 302
    page = client.get("/accounts/login/")
    assert page.status_code == 200 and b"Sign in" in page.content


@pytest.mark.django_db
def test_bad_input_to_the_api_is_a_400_with_field_errors(api, dispatcher):
    api.login_as(dispatcher)
    response = api.post("/api/v1/incidents/", {"summary": "x", "latitude": 200}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert "location_text" in body and "latitude" in body


@pytest.mark.django_db
def test_malformed_json_is_a_400_not_a_500(api, dispatcher):
    api.login_as(dispatcher)
    response = api.generic("POST", "/api/v1/incidents/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


# --- size: a module past ~400 lines is split into a package by sub-domain (tests too) ------------

MAX_LINES = 400
# Files still over the limit, each waiting for its split; the list only ever shrinks (a listed file
# that fits fails the test until it is taken off). Empty: every source fits.
OVERSIZE_ALLOWED: set[str] = set()
SIZED = [("apps", "*.py"), ("config", "*.py"), ("static", "*.js"), ("tests", "*.py"), ("scripts", "*.py")]
SIZED += [("bench", "*.py")]


def _sized_sources():
    skipped = {"migrations", "data", "vendor", "__pycache__"}
    for folder, pattern in SIZED:
        for path in sorted((ROOT / folder).rglob(pattern)):
            if skipped.isdisjoint(path.relative_to(ROOT).parts):
                yield path.relative_to(ROOT).as_posix(), len(path.read_text(encoding="utf-8").splitlines())


def test_no_source_file_is_over_the_size_limit():
    sizes = dict(_sized_sources())
    reached = {"static/field/app.js", "apps/incidents/models.py", "tests/conftest.py"}
    assert reached <= set(sizes), "the walk reaches every kind of source"
    too_big = [f"{path} ({n} lines)" for path, n in sizes.items() if n > MAX_LINES and path not in OVERSIZE_ALLOWED]
    assert too_big == [], f"Split these by sub-domain into packages of files under {MAX_LINES} lines."
    fits = sorted(path for path in OVERSIZE_ALLOWED if sizes.get(path, 0) <= MAX_LINES)
    assert fits == [], "These fit now (or are gone): take them off OVERSIZE_ALLOWED."
