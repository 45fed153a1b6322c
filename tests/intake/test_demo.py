"""The intake demo data loads quickly, and twice without change."""

import io

import pytest

from apps.demo.intake import load_demo_data
from apps.intake.models import ApiKey, CallCenter, PolicyVersion, ScreeningDecision

pytestmark = pytest.mark.django_db


def test_demo_data_is_idempotent_and_prints_the_key_once(team):
    first, second = io.StringIO(), io.StringIO()
    load_demo_data(stdout=first)
    load_demo_data(stdout=second)
    assert "API key (shown once): fl_" in first.getvalue()
    assert "API key" not in second.getvalue()
    assert CallCenter.objects.get().name == "Riverton 911"
    assert ApiKey.objects.count() == 1
    assert PolicyVersion.objects.filter(published_at__isnull=False).count() == 1
    assert ScreeningDecision.objects.count() == 3
    assert ScreeningDecision.objects.filter(overridden=True).count() == 1
