"""Intake fixtures: the demo policy published through the services, and call centers with keys."""

import pytest
from rest_framework.test import APIClient

from apps.demo.intake import ensure_policy
from apps.intake import services


@pytest.fixture
def policy(db, supervisor):
    return ensure_policy(actor=supervisor)


@pytest.fixture
def center_key(db, supervisor):
    center = services.call_center_create(actor=supervisor, name="Riverton 911", kind="911")
    _key, raw = services.api_key_issue(actor=supervisor, call_center_id=center.pk)
    return center, raw


@pytest.fixture
def other_center_key(db, supervisor):
    center = services.call_center_create(actor=supervisor, name="County 311", kind="311")
    _key, raw = services.api_key_issue(actor=supervisor, call_center_id=center.pk)
    return center, raw


@pytest.fixture
def center_client(center_key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {center_key[1]}")
    return client
