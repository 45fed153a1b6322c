"""The client's address is taken from the socket or the trusted proxies only (apps.common.net).

Attacks through the real doors: a forged X-Forwarded-For must not change the audited address nor
reset a throttle, and a header that is not an address at all must never break a request.
"""

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient

from apps.audit.models import AuditEntry
from apps.common.net import client_address
from apps.common.throttles import ScopedClientAddressThrottle
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

INCIDENT = {"location_text": "Union Station", "summary": "Welfare check"}


def signed_in(user, **defaults) -> APIClient:
    client = APIClient(enforce_csrf_checks=True, **defaults)
    response = client.post("/api/v1/auth/login/", {"username": user.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    client.credentials(HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    return client


@pytest.mark.parametrize("garbage", ["not-an-ip", "999.1.1.1", "'; DROP TABLE audit_auditentry; --", "", " , ,"])
@pytest.mark.parametrize("proxies", [0, 1])
def test_a_garbage_forwarded_for_header_is_no_500_and_the_real_address_is_audited(
    dispatcher, settings, garbage, proxies
):
    settings.FIRSTLINE_TRUSTED_PROXIES = proxies
    desk = signed_in(dispatcher)
    response = desk.post("/api/v1/incidents/", INCIDENT, format="json", HTTP_X_FORWARDED_FOR=garbage)
    assert response.status_code == 201
    assert AuditEntry.objects.get(action="incident.create").ip == "127.0.0.1"


def test_a_garbage_forwarded_for_header_on_sign_in_is_audited_with_the_real_address(dispatcher):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/login/",
        {"username": dispatcher.username, "password": "wrong"},
        format="json",
        HTTP_X_FORWARDED_FOR="not-an-ip",
    )
    assert response.status_code == 403
    assert AuditEntry.objects.get(action="auth.login").ip == "127.0.0.1"


def test_a_new_forged_address_on_each_try_does_not_escape_the_login_throttle(db, monkeypatch):
    monkeypatch.setattr(ScopedClientAddressThrottle, "THROTTLE_RATES", {"login": "3/min"})
    client = APIClient()
    for n in range(3):
        body = {"username": f"nobody-{n}", "password": "x"}
        answer = client.post("/api/v1/auth/login/", body, format="json", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        assert answer.status_code == 403
    throttled = client.post(
        "/api/v1/auth/login/",
        {"username": "nobody-4", "password": "x"},
        format="json",
        HTTP_X_FORWARDED_FOR="198.51.100.250",
    )
    assert throttled.status_code == 429
    assert "throttled" in throttled.json()["detail"].lower()
    # A different real client is not throttled for it.
    other = APIClient(REMOTE_ADDR="192.0.2.44").post(
        "/api/v1/auth/login/", {"username": "nobody-5", "password": "x"}, format="json"
    )
    assert other.status_code == 403


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "203.0.113.9", "192.0.2.1"),  # no proxy: the header is the client's own words
        (1, "10.0.0.1", "203.0.113.9", "203.0.113.9"),
        (1, "10.0.0.1", "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # forged left part ignored
        (2, "10.0.0.1", "6.6.6.6, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (2, "10.0.0.1", "203.0.113.9", "10.0.0.1"),  # fewer hops than proxies: the socket
        (1, "10.0.0.1", "not-an-ip", "10.0.0.1"),
        (1, "10.0.0.1", "[2001:db8::5]:443", "2001:db8::5"),
        (0, "garbage", "", None),
    ],
)
def test_the_client_address_rule(settings, proxies, remote, forwarded, expected):
    settings.FIRSTLINE_TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request.META) == expected
