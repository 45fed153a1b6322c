"""A session ends FIRSTLINE_SESSION_ABSOLUTE_HOURS after sign-in, however busy, and is never renewed.

Time is moved by rewriting the session's stored timestamps, never by sleeping.
"""

import time
from datetime import timedelta
from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.services import SESSION_LAST_ACTIVE_KEY, SESSION_STARTED_KEY
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ME = "/api/v1/auth/me/"


def signed_in(user) -> APIClient:
    client = APIClient()
    response = client.post("/api/v1/auth/login/", {"username": user.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    return client


def started_hours_ago(client, hours: float) -> None:
    """Move the sign-in back in time while the person kept working (last activity: just now)."""
    session = client.session
    session[SESSION_STARTED_KEY] = time.time() - hours * 3600
    session[SESSION_LAST_ACTIVE_KEY] = time.time()
    session.save()


def stored_expiry(client):
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value).expire_date


def test_the_absolute_lifetime_is_twelve_hours_by_default_and_activity_does_not_save_every_request():
    assert settings.FIRSTLINE_SESSION_ABSOLUTE_HOURS == 12
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600


def test_a_busy_session_past_its_absolute_lifetime_ends(dispatcher):
    client = signed_in(dispatcher)
    started_hours_ago(client, settings.FIRSTLINE_SESSION_ABSOLUTE_HOURS + 0.1)
    response = client.get(ME)
    assert response.status_code == 401
    assert response.json()["code"] == "session_expired"
    assert client.get(ME).status_code in {401, 403}  # the session is gone, not just refused once


def test_a_session_inside_its_lifetime_goes_on(dispatcher):
    client = signed_in(dispatcher)
    started_hours_ago(client, settings.FIRSTLINE_SESSION_ABSOLUTE_HOURS - 0.5)
    assert client.get(ME).status_code == 200


def test_a_page_past_the_lifetime_sends_the_person_to_sign_in_again(supervisor):
    client = signed_in(supervisor)
    started_hours_ago(client, settings.FIRSTLINE_SESSION_ABSOLUTE_HOURS + 1)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "ended=session_expired" in response.url


def test_the_stored_session_and_its_cookie_end_at_the_absolute_limit(dispatcher):
    before = timezone.now()
    client = signed_in(dispatcher)
    limit = timedelta(hours=settings.FIRSTLINE_SESSION_ABSOLUTE_HOURS)
    expiry = stored_expiry(client)
    assert before + limit - timedelta(minutes=1) <= expiry <= timezone.now() + limit
    assert int(client.cookies[settings.SESSION_COOKIE_NAME]["max-age"]) <= limit.total_seconds()


def test_activity_never_pushes_the_end_later(dispatcher):
    """The idle clock is written back every 30 s of use; that write must not renew the session."""
    client = signed_in(dispatcher)
    first_expiry = stored_expiry(client)
    session = client.session
    session[SESSION_LAST_ACTIVE_KEY] = time.time() - 120  # the next request rewrites the session
    session.save()
    response = client.get(ME)
    assert response.status_code == 200
    renewed = SimpleCookie(response.cookies.output(header="")).get(settings.SESSION_COOKIE_NAME)
    assert renewed is not None, "the session was written back, so the cookie was sent again"
    assert int(renewed["max-age"]) <= (first_expiry - timezone.now()).total_seconds() + 1
    assert stored_expiry(client) == first_expiry


def test_a_session_opened_at_the_admin_sign_in_form_gets_the_same_limit(supervisor):
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": supervisor.username, "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    limit = timedelta(hours=settings.FIRSTLINE_SESSION_ABSOLUTE_HOURS)
    assert stored_expiry(client) <= timezone.now() + limit
    assert SESSION_STARTED_KEY in client.session
    session = client.session
    session[SESSION_STARTED_KEY] = time.time() - limit.total_seconds() - 60
    session.save()
    ended = client.get("/admin/")
    assert ended.status_code == 302
    assert "ended=session_expired" in ended.url
