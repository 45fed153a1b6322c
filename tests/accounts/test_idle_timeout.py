"""Sessions end after the idle time the role allows: short for supervisors, shorter for responders on
shared tablets (the field app locks itself at the same limit; tests/field covers the lock screen)."""

import time

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from apps.accounts.services import SESSION_LAST_ACTIVE_KEY
from tests.factories import PASSWORD, device_key_for, tablet_for

pytestmark = pytest.mark.django_db

ME = "/api/v1/auth/me/"


def signed_in(user) -> APIClient:
    client = APIClient()
    body = {"username": user.username, "password": PASSWORD}
    if user.role == "responder":
        tablet = tablet_for(user)
        body.update(device=str(tablet.pk), device_key=device_key_for(tablet))
    response = client.post("/api/v1/auth/login/", body, format="json")
    assert response.status_code == 200
    return client


def idle_for(client: APIClient, minutes: float) -> None:
    session = client.session
    session[SESSION_LAST_ACTIVE_KEY] = time.time() - minutes * 60
    session.save()


def test_the_idle_limits_are_the_programs(settings):
    assert settings.FIRSTLINE_IDLE_MINUTES["supervisor"] == 30
    assert settings.FIRSTLINE_IDLE_MINUTES["responder"] == 15


def test_a_supervisor_idle_for_31_minutes_is_signed_out(supervisor):
    client = signed_in(supervisor)
    idle_for(client, 31)
    response = client.get(ME)
    assert response.status_code == 401
    assert response.json()["code"] == "idle_timeout"
    assert client.get(ME).status_code in {401, 403}


def test_a_supervisor_idle_for_29_minutes_stays_signed_in(supervisor):
    client = signed_in(supervisor)
    idle_for(client, 29)
    assert client.get(ME).status_code == 200


def test_a_responder_idle_for_14_minutes_stays_signed_in(responder):
    client = signed_in(responder)
    idle_for(client, 14)
    assert client.get(ME).status_code == 200


def test_a_responder_idle_for_16_minutes_on_a_shared_tablet_is_signed_out(responder):
    client = signed_in(responder)
    idle_for(client, settings.FIRSTLINE_IDLE_MINUTES["responder"] + 1)
    response = client.get(ME)
    assert response.status_code == 401
    assert response.json()["code"] == "idle_timeout"


def test_activity_moves_the_idle_clock_forward(supervisor):
    client = signed_in(supervisor)
    idle_for(client, 20)
    assert client.get(ME).status_code == 200
    assert time.time() - client.session[SESSION_LAST_ACTIVE_KEY] < 60


def test_an_idle_admin_page_sends_the_supervisor_to_sign_in_again(supervisor):
    client = signed_in(supervisor)
    idle_for(client, 31)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "ended=idle_timeout" in response.url
