"""Signing in and out through the public login API, as the board, the tablets and tests outside do."""

import pytest
from rest_framework.test import APIClient

from apps.audit.models import AuditEntry
from tests.factories import PASSWORD, device_key_for, tablet_for

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/auth/me/"


@pytest.fixture
def client():
    return APIClient(enforce_csrf_checks=True)


def on_tablet(user) -> dict:
    tablet = tablet_for(user)
    return {
        "username": user.username,
        "password": PASSWORD,
        "device": str(tablet.pk),
        "device_key": device_key_for(tablet),
    }


def test_a_responder_signs_in_and_learns_their_team(client, responder, team):
    response = client.post(LOGIN, on_tablet(responder), format="json")
    assert response.status_code == 200
    user = response.json()["user"]
    assert {"id", "username", "role", "team"} <= set(user)
    assert user["id"] == responder.pk
    assert user["username"] == responder.username
    assert user["role"] == "responder"
    assert user["team"] == team.pk
    assert response.cookies["sessionid"].value
    assert response.cookies["csrftoken"].value


def test_a_dispatcher_has_no_team(client, dispatcher):
    response = client.post(LOGIN, {"username": dispatcher.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert response.json()["user"]["team"] is None
    assert response.json()["user"]["role"] == "dispatcher"


def test_signing_in_is_audited(client, dispatcher):
    client.post(LOGIN, {"username": dispatcher.username, "password": PASSWORD}, format="json")
    entry = AuditEntry.objects.get(action="auth.login", actor=dispatcher)
    assert entry.outcome == "ok"
    assert entry.door == "api"
    assert entry.ip == "127.0.0.1"


def test_a_wrong_password_is_refused_and_audited_as_denied(client, dispatcher):
    response = client.post(LOGIN, {"username": dispatcher.username, "password": "not-it"}, format="json")
    assert response.status_code == 403
    assert "detail" in response.json()
    assert "sessionid" not in response.cookies
    entry = AuditEntry.objects.get(action="auth.login")
    assert entry.outcome == "denied"
    assert entry.actor is None
    assert entry.object_id == dispatcher.username
    assert entry.door == "api"


def test_an_unknown_user_gets_the_same_answer_as_a_wrong_password(client, dispatcher):
    wrong = client.post(LOGIN, {"username": dispatcher.username, "password": "not-it"}, format="json")
    unknown = client.post(LOGIN, {"username": "nobody-here", "password": "not-it"}, format="json")
    assert unknown.status_code == wrong.status_code == 403
    assert unknown.json() == wrong.json()


def test_an_inactive_account_cannot_sign_in(client, dispatcher):
    dispatcher.is_active = False
    dispatcher.save()
    response = client.post(LOGIN, {"username": dispatcher.username, "password": PASSWORD}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"username", "password"}),
        ({"username": "someone"}, {"password"}),
        ({"password": "x"}, {"username"}),
        ({"username": ["a", "list"], "password": "x"}, {"username"}),
        ({"username": "a", "password": "x", "device": "not-a-uuid"}, {"device"}),
    ],
)
def test_a_malformed_body_gets_field_errors(client, body, fields):
    response = client.post(LOGIN, body, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert fields <= set(errors)
    assert all(isinstance(errors[name], list) for name in fields)


def test_a_body_that_is_not_json_is_a_400_not_a_500(client):
    response = client.post(LOGIN, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_me_answers_who_is_signed_in(client, responder, team):
    client.post(LOGIN, on_tablet(responder), format="json")
    response = client.get(ME)
    assert response.status_code == 200
    assert response.json()["user"]["id"] == responder.pk
    assert response.json()["user"]["team"] == team.pk


def test_me_is_refused_without_a_session(client):
    assert client.get(ME).status_code in {401, 403}


def test_logout_needs_the_csrf_token(client, dispatcher):
    client.post(LOGIN, {"username": dispatcher.username, "password": PASSWORD}, format="json")
    refused = client.post(LOGOUT)
    assert refused.status_code == 403
    assert client.get(ME).status_code == 200  # still signed in


def test_logout_ends_the_session(client, dispatcher):
    client.post(LOGIN, {"username": dispatcher.username, "password": PASSWORD}, format="json")
    token = client.cookies["csrftoken"].value
    response = client.post(LOGOUT, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 204
    assert client.get(ME).status_code in {401, 403}
    assert AuditEntry.objects.filter(action="auth.logout", actor=dispatcher).exists()


def test_the_login_endpoint_needs_no_csrf_token_before_a_session_exists(client, dispatcher):
    # enforce_csrf_checks is on and no token was sent: signing in still works.
    response = client.post(LOGIN, {"username": dispatcher.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200
