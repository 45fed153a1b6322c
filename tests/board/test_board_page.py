"""The board page in headless Chromium against a real server: it follows the stream without reload."""

import pytest

from apps.incidents import services
from tests.streams.helpers import HttpSession

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_assignment_made_through_the_api_appears_on_an_open_board_without_reload(
    browser_login, asgi_server, dispatcher, team
):
    incident = services.incident_create(
        actor=dispatcher, summary="Man in distress", location_text="Union Station", priority=2
    )
    page = browser_login(dispatcher, path="/board/")
    page.wait_for_selector("#board[data-stream=live]", timeout=15000)
    page.wait_for_selector(f"[data-incident='{incident.pk}']")
    page.evaluate("window.__notReloaded = true")

    HttpSession(asgi_server, dispatcher).post(f"/api/v1/incidents/{incident.pk}/assignments/", {"team": team.pk})

    call = page.locator(f"[data-incident='{incident.pk}']")
    call.get_by_text(f"{team.call_sign} · Dispatched").wait_for(timeout=10000)
    page.locator(f"[data-team='{team.pk}']").get_by_text("Assigned").wait_for(timeout=10000)
    assert page.evaluate("window.__notReloaded") is True


def test_a_new_priority_one_call_raises_the_alert_and_the_board_resumes_after_a_drop(
    browser_login, asgi_server, dispatcher, team
):
    page = browser_login(dispatcher, path="/board/")
    page.wait_for_selector("#board[data-stream=live]", timeout=15000)
    assert page.locator("#shortcuts").is_visible()

    page.evaluate("window.firstlineBoard.socket.close()")
    page.wait_for_selector("#conn-banner:not([hidden])", timeout=5000)
    page.wait_for_selector("#board[data-stream=live]", timeout=15000)
    assert page.locator("#conn-banner").is_hidden()

    http = HttpSession(asgi_server, dispatcher)
    created = http.post(
        "/api/v1/incidents/", {"location_text": "Bridge on 6th", "summary": "Person on ledge", "priority": 1}
    )
    page.wait_for_selector("#p1-alert:not([hidden])", timeout=10000)
    page.locator(f"[data-incident='{created['id']}']").wait_for(timeout=10000)

    # One click on the recommended team assigns it.
    page.locator(f"[data-incident='{created['id']}'] [data-assign='{team.pk}']").click(timeout=10000)
    page.locator(f"[data-incident='{created['id']}']").get_by_text(f"{team.call_sign} · Dispatched").wait_for(
        timeout=10000
    )
    page.keyboard.press("Escape")
    assert page.locator("#p1-alert").is_hidden()
