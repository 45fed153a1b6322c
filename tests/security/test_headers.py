"""Security headers through the real HTTP door: CSP, Permissions-Policy, Cache-Control, API docs.

The browser half (no CSP violation on any main page) is tests/security/test_csp_browser.py.
"""

import pytest
from django.test import Client

from config.settings.headers import tile_source
from tests.factories import PASSWORD
from tests.security.doors import all_doors
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

# Pages that show people's records to whoever may see them.
RECORD_PAGES = {
    "dispatcher": ["/board/", "/intake/screen/"],
    "supervisor": ["/followups/supervision/", "/resources/capacity/", "/admin/", "/admin/incidents/incident/"],
    "partner_x": ["/partners/"],
}


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parts = [part.strip().split() for part in header.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


def signed_in_page_client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


# --- Content-Security-Policy -------------------------------------------------------------------


def test_every_page_forbids_inline_script_and_style(client):
    for path in ("/accounts/login/", "/field/", "/api/v1/auth/me/", "/healthz"):
        policy = directives(client.get(path))
        assert policy["script-src"] == ["'self'"], path
        assert policy["style-src"] == ["'self'"], path
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in str(policy) and "'unsafe-eval'" not in str(policy)


def test_the_map_tile_host_may_serve_images_and_the_page_host_may_open_websockets(client, settings):
    settings.ALLOWED_HOSTS = ["firstline.example.org"]
    policy = directives(client.get("/accounts/login/", HTTP_HOST="firstline.example.org"))
    assert "https://tile.openstreetmap.org" in policy["img-src"]
    assert policy["connect-src"] == ["'self'", "ws://firstline.example.org", "wss://firstline.example.org"]


def test_a_tile_url_with_a_subdomain_placeholder_becomes_a_wildcard_host():
    assert tile_source("https://{s}.tile.example.org/{z}/{x}/{y}.png") == ["https://*.tile.example.org"]
    assert tile_source("http://127.0.0.1:8081/{z}/{x}/{y}.png") == ["http://127.0.0.1:8081"]
    assert tile_source("") == []


def test_a_forged_host_header_never_reaches_the_policy(client, settings):
    settings.ALLOWED_HOSTS = ["firstline.example.org"]
    response = client.get("/accounts/login/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert "evil.example.com" not in response.get("Content-Security-Policy", "")


# --- Permissions-Policy ------------------------------------------------------------------------


def test_geolocation_is_allowed_on_the_field_app_only(client):
    field = client.get("/field/")["Permissions-Policy"]
    assert "geolocation=(self)" in field
    for path in ("/accounts/login/", "/board/", "/api/v1/auth/me/", "/admin/login/"):
        policy = client.get(path)["Permissions-Policy"]
        assert "geolocation=()" in policy, path
    for path in ("/field/", "/accounts/login/"):
        policy = client.get(path)["Permissions-Policy"]
        assert "camera=()" in policy and "microphone=()" in policy and "payment=()" in policy


# --- Cache-Control -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "responder_a", "dispatcher", "supervisor", "partner_x"])
def test_every_api_answer_is_no_store_except_the_public_directory(role):
    world = build_world()
    client = world.client_for(role)
    kwargs = world.kwargs()
    checked, problems = 0, []
    for door in all_doors():
        url = door.url(kwargs)
        if not url.startswith("/api/") or "GET" not in door.methods:
            continue
        response = client.get(url)
        cache_control = response.get("Cache-Control", "")
        checked += 1
        if url.startswith("/api/hsds/"):
            if "no-store" in cache_control:
                problems.append(f"{url}: the public directory should stay cacheable")
        elif "no-store" not in cache_control:
            problems.append(f"{url} ({response.status_code}): Cache-Control {cache_control!r}")
    assert checked > 30
    assert problems == [], "\n".join(problems)


def test_api_writes_and_refusals_are_no_store_too():
    world = build_world()
    client = world.client_for("dispatcher")
    response = client.post(f"/api/v1/incidents/{world.incident.pk}/cancel/", {}, format="json")
    assert response.status_code == 400
    assert "no-store" in response["Cache-Control"]
    anonymous = world.client_for("anonymous").get(f"/api/v1/incidents/{world.incident.pk}/")
    assert anonymous.status_code in (401, 403)
    assert "no-store" in anonymous["Cache-Control"]


def test_pages_showing_records_are_no_store():
    world = build_world()
    for role, paths in RECORD_PAGES.items():
        client = signed_in_page_client(world.users[role])
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (role, path, response.status_code)
            assert "no-store" in response["Cache-Control"], (role, path)
    referral = signed_in_page_client(world.users["partner_x"]).get(f"/partners/referrals/{world.referral.pk}/")
    assert referral.status_code == 200
    assert "no-store" in referral["Cache-Control"]


# --- API schema and docs -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/", "/api/docs/?script="])
def test_the_schema_and_docs_need_sign_in_when_the_setting_asks(client, settings, supervisor, path):
    settings.FIRSTLINE_API_DOCS_REQUIRE_SIGN_IN = True
    refused = client.get(path)
    assert refused.status_code in (401, 403)
    assert "openapi" not in refused.content.decode().lower()
    client.force_login(supervisor)
    assert client.get(path).status_code == 200


def test_the_schema_is_open_in_development(client, settings):
    settings.FIRSTLINE_API_DOCS_REQUIRE_SIGN_IN = False
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"openapi" in response.content
