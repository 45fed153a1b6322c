"""Signed-in clients for tests that walk one rule through every door."""

from django.test import Client
from rest_framework.test import APIClient

from tests.factories import sign_in_body


def api_as(user) -> APIClient:
    """An API client signed in through the real login door (a responder on an enrolled tablet), with CSRF enforced."""
    client = APIClient(enforce_csrf_checks=True)
    response = client.post("/api/v1/auth/login/", sign_in_body(user), format="json")
    assert response.status_code == 200
    client.credentials(HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    return client


def admin_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
