"""The board shows times on the program's clock, not the browser's, and names the zone."""

from datetime import UTC, datetime

import pytest

from apps.incidents import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_board_opened_in_tokyo_shows_denver_time_and_says_so(browser_login, dispatcher):
    incident = services.incident_create(
        actor=dispatcher,
        summary="Man shouting",
        location_text="15th & Pearl",
        received_at=datetime(2026, 1, 15, 18, 5, tzinfo=UTC),
    )
    page = browser_login(dispatcher, path="/board/", timezone_id="Asia/Tokyo")
    page.wait_for_selector(f"[data-incident='{incident.pk}']", timeout=15000)
    heading = page.locator("#detail h4", has_text="Timeline")
    heading.wait_for(timeout=10000)
    assert heading.inner_text() in ("Timeline (times in MST)", "Timeline (times in MDT)")
    times = page.locator("#detail .timeline time").all_inner_texts()
    assert "11:05 AM" in times  # 18:05 UTC; Tokyo would read 03:05
