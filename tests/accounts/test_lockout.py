"""Password guessing, tried through each real door: the sign-in page, the admin's login, the API.

django-axes counts failures per account and per client address (the real one, apps.common.net),
in the shared cache; after AXES_FAILURE_LIMIT the account or address is locked and even the right
password is refused with a clear message. Every attempt leaves an audit row naming the door.
"""

import json
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from apps.accounts.roles import Role
from apps.audit.models import AuditEntry
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT
API_LOGIN = "/api/v1/auth/login/"


def api_attempt(client, username, password, **headers):
    return client.post(API_LOGIN, {"username": username, "password": password}, format="json", **headers)


def page_attempt(client, door, username, password, **headers):
    return client.post(door, {"username": username, "password": password, "next": "/"}, **headers)


def test_the_api_locks_an_account_after_repeated_wrong_passwords(dispatcher):
    client = APIClient()
    for _ in range(LIMIT - 1):
        assert api_attempt(client, dispatcher.username, "guess-again").status_code == 403
    locked = api_attempt(client, dispatcher.username, "last-guess")
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"

    right = api_attempt(client, dispatcher.username, PASSWORD)
    assert right.status_code == 429
    assert right.json()["code"] == "locked_out"
    assert "locked" in right.json()["detail"] and "right password" in right.json()["detail"]
    assert "sessionid" not in right.cookies

    attempts = list(AuditEntry.objects.filter(action="auth.login").order_by("pk"))
    assert len(attempts) == LIMIT + 1
    assert {entry.outcome for entry in attempts} == {"denied"}
    assert {entry.door for entry in attempts} == {"api"}
    assert {entry.detail["username"] for entry in attempts} == {dispatcher.username}
    assert {entry.ip for entry in attempts} == {"127.0.0.1"}
    assert attempts[-2].detail["reason"] == "bad credentials" and attempts[-2].detail["locked_out"]
    assert attempts[-1].detail["reason"] == "locked out"


@pytest.mark.parametrize("door", ["/accounts/login/", "/admin/login/"])
def test_the_sign_in_page_and_the_admin_lock_an_account_too(door, supervisor):
    client = Client()
    for _ in range(LIMIT - 1):
        response = page_attempt(client, door, supervisor.username, "guess-again")
        assert response.status_code == 200  # the form again, with its error
    assert page_attempt(client, door, supervisor.username, "last-guess").status_code == 429

    right = page_attempt(client, door, supervisor.username, PASSWORD)
    assert right.status_code == 429
    assert "Sign-in is locked" in right.content.decode()
    assert client.get("/api/v1/auth/me/").status_code in (401, 403)  # no session was opened

    expected_door = "admin" if door.startswith("/admin/") else "page"
    attempts = AuditEntry.objects.filter(action="auth.login", object_id=supervisor.username)
    assert attempts.count() == LIMIT + 1
    assert set(attempts.values_list("door", flat=True)) == {expected_door}
    assert set(attempts.values_list("outcome", flat=True)) == {"denied"}


def test_one_account_locked_through_one_door_is_locked_at_the_others(dispatcher):
    for _ in range(LIMIT):
        api_attempt(APIClient(), dispatcher.username, "guess-again")
    assert page_attempt(Client(), "/accounts/login/", dispatcher.username, PASSWORD).status_code == 429
    assert page_attempt(Client(), "/admin/login/", dispatcher.username, PASSWORD).status_code == 429


def test_a_new_forwarded_for_header_on_each_try_does_not_reset_the_account_count(dispatcher):
    client = APIClient()
    for n in range(LIMIT):
        api_attempt(client, dispatcher.username, "guess-again", HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 1}")
    right = api_attempt(client, dispatcher.username, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.200")
    assert right.status_code == 429


def test_a_new_forwarded_for_header_does_not_hide_one_address_guessing_many_accounts(db):
    """Attack: spray one password over many accounts, forging a new address each time."""
    victims = [UserFactory(role=Role.DISPATCHER) for _ in range(LIMIT + 1)]
    client = APIClient()
    for n, victim in enumerate(victims[:LIMIT]):
        api_attempt(client, victim.username, "Spring2026!", HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 1}")
    # The address is now locked: even a right password for an untouched account is refused from it.
    refused = api_attempt(client, victims[-1].username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert refused.status_code == 429
    # Another address (a different client socket) is not punished for it.
    elsewhere = api_attempt(APIClient(REMOTE_ADDR="192.0.2.10"), victims[-1].username, PASSWORD)
    assert elsewhere.status_code == 200


def test_behind_a_trusted_proxy_each_real_client_counts_alone(dispatcher, analyst, settings):
    """With one trusted proxy the address it appends is the client; what the client wrote is ignored."""
    settings.FIRSTLINE_TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for n in range(LIMIT):
        api_attempt(
            APIClient(**proxy),
            f"nobody-{n}",
            "guess",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.5",  # the client forges the left part
        )
    locked = api_attempt(APIClient(**proxy), analyst.username, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.77, 203.0.113.5")
    assert locked.status_code == 429
    other_client = api_attempt(APIClient(**proxy), analyst.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert other_client.status_code == 200
    assert AuditEntry.objects.filter(action="auth.login", ip="203.0.113.5").count() == LIMIT + 1


def test_a_successful_sign_in_is_audited_at_every_door(dispatcher, supervisor):
    assert api_attempt(APIClient(), dispatcher.username, PASSWORD).status_code == 200
    assert page_attempt(Client(), "/accounts/login/", dispatcher.username, PASSWORD).status_code == 302
    assert page_attempt(Client(), "/admin/login/", supervisor.username, PASSWORD).status_code == 302
    rows = AuditEntry.objects.filter(action="auth.login", outcome="ok").order_by("pk")
    assert [(r.actor, r.door, r.ip, r.detail["username"]) for r in rows] == [
        (dispatcher, "api", "127.0.0.1", dispatcher.username),
        (dispatcher, "page", "127.0.0.1", dispatcher.username),
        (supervisor, "admin", "127.0.0.1", supervisor.username),
    ]


def test_an_administrator_can_unlock_an_account_early_and_it_is_audited(dispatcher):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    for _ in range(LIMIT):
        api_attempt(APIClient(REMOTE_ADDR="192.0.2.1"), dispatcher.username, "guess")
    assert api_attempt(APIClient(REMOTE_ADDR="192.0.2.2"), dispatcher.username, PASSWORD).status_code == 429
    admin = Client()
    admin.force_login(administrator)
    response = admin.post(
        "/admin/accounts/user/", {"action": "unlock_sign_in", "_selected_action": [dispatcher.pk]}, follow=True
    )
    assert response.status_code == 200
    assert api_attempt(APIClient(REMOTE_ADDR="192.0.2.2"), dispatcher.username, PASSWORD).status_code == 200
    assert AuditEntry.objects.filter(action="auth.unlock", object_id=str(dispatcher.pk), actor=administrator).exists()


@pytest.mark.services
def test_two_server_processes_count_failures_together(transactional_db, asgi_server):
    """Services mode: the counts live in Redis, so a guesser cannot spread tries over processes."""
    user = UserFactory(role=Role.DISPATCHER, username="shared-count")

    def over_http(password: str) -> int:
        request = urllib.request.Request(  # noqa: S310 (loopback test server)
            f"{asgi_server.url}{API_LOGIN}",
            data=json.dumps({"username": user.username, "password": password}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    half = LIMIT // 2
    for _ in range(half):
        assert over_http("guess") == 403  # counted by the daphne process
    for _ in range(LIMIT - half):
        api_attempt(APIClient(), user.username, "guess")  # counted by this test process
    assert over_http(PASSWORD) == 429
    assert api_attempt(APIClient(), user.username, PASSWORD).status_code == 429
