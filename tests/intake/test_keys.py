"""Call-center API keys: issued once, stored hashed, rotated, revoked, rate limited; the shell command."""

import io
import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

from apps.accounts.roles import Role
from apps.common.errors import PermissionRefused
from apps.intake import services
from apps.intake.models import ApiKey, CallCenter
from tests.intake.eido_samples import eido

pytestmark = pytest.mark.django_db


def test_create_api_key_prints_a_key_that_works(policy):
    out = io.StringIO()
    call_command("create_api_key", "--call-center", "Metro 988", "--kind", "988", stdout=out, stderr=io.StringIO())
    raw = out.getvalue().strip()
    center = CallCenter.objects.get(name="Metro 988")
    assert center.kind == "988"
    assert center.service_user.role == Role.CALL_TAKER and not center.service_user.has_usable_password()
    stored = ApiKey.objects.get(call_center=center)
    assert raw not in stored.hashed_secret and stored.prefix in raw
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    response = client.post("/api/v1/intake/eido/", json.dumps(eido()), content_type="application/json")
    assert response.status_code == 201
    call_command("create_api_key", "--call-center", "Metro 988", stdout=io.StringIO(), stderr=io.StringIO())
    assert ApiKey.objects.filter(call_center=center).count() == 2


def test_rotating_a_key_revokes_the_old_one(policy, center_key, supervisor):
    center, raw = center_key
    new_key, new_raw = services.api_key_rotate(actor=supervisor, api_key_id=center.api_keys.get().pk)
    assert services.api_key_authenticate(raw) is None
    assert services.api_key_authenticate(new_raw) == new_key


def test_only_supervisors_manage_keys(center_key, dispatcher):
    with pytest.raises(PermissionRefused):
        services.api_key_issue(actor=dispatcher, call_center_id=center_key[0].pk)


def test_a_deactivated_center_is_refused(center_key):
    center, raw = center_key
    CallCenter.objects.filter(pk=center.pk).update(active=False)
    assert services.api_key_authenticate(raw) is None


def test_each_key_is_rate_limited(policy, center_key, other_center_key, settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    cache.clear()
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "intake": "2/min"}
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rates
    try:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {center_key[1]}")
        codes = [
            client.post("/api/v1/intake/eido/", "{}", content_type="application/json").status_code for _ in range(3)
        ]
        assert codes == [400, 400, 429]
        other = APIClient()
        other.credentials(HTTP_AUTHORIZATION=f"Api-Key {other_center_key[1]}")
        assert other.post("/api/v1/intake/eido/", "{}", content_type="application/json").status_code == 400
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original
        cache.clear()
