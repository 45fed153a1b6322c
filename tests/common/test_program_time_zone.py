"""Every time on a page is on the program's clock (FIRSTLINE_PROGRAM_TIME_ZONE, America/Denver in the
tests), named where it could be misread; the API keeps its moments in UTC with their offset."""

from datetime import UTC, datetime

import pytest
from django.test import Client

from apps.incidents import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# 18:05 UTC on 15 January is 11:05 in Denver (MST, UTC-7).
RECEIVED = datetime(2026, 1, 15, 18, 5, tzinfo=UTC)


def _incident(actor):
    return services.incident_create(
        actor=actor, summary="Man shouting", location_text="15th & Pearl", received_at=RECEIVED
    )


def test_the_admin_shows_a_calls_time_on_the_programs_clock_and_names_the_zone(settings):
    supervisor = UserFactory(role="supervisor")
    _incident(supervisor)
    client = Client()
    client.force_login(supervisor)
    page = client.get("/admin/incidents/incident/").content.decode()
    assert "11:05 a.m." in page
    assert "6:05 p.m." not in page
    assert "Times are in Denver (MST) time." in page


def test_the_api_keeps_utc(api, dispatcher):
    incident = _incident(dispatcher)
    api.login_as(dispatcher)
    body = api.get(f"/api/v1/incidents/{incident.pk}/").json()
    assert body["received_at"].startswith("2026-01-15T18:05") and body["received_at"].endswith(("Z", "+00:00"))
