"""The board follows live events row by row (issue 20 item 2): a new call, a team sent to it and the
call cancelled each reach the open board as the event plus, at most, one small request for the rows
it changed; the snapshot (GET /api/v1/board/) is not fetched again."""

import pytest

from tests.streams.helpers import HttpSession

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_events_update_the_board_row_by_row_without_the_snapshot(browser_login, asgi_server, dispatcher, team):
    page = browser_login(dispatcher, path="/board/")
    page.wait_for_selector("#board[data-stream=live]", timeout=15000)
    seen = []
    page.on("request", lambda request: seen.append(request.url.split("?")[0].split("/api/v1/")[-1]))
    http = HttpSession(asgi_server, dispatcher)

    created = http.post("/api/v1/incidents/", {"location_text": "Larimer Square", "summary": "Man shouting"})
    call = page.locator(f"[data-incident='{created['id']}']")
    call.wait_for(timeout=10000)
    # The recommendation is not in the event: it came with the row.
    call.locator(f"[data-assign='{team.pk}']").wait_for(timeout=10000)
    assert "Larimer Square" in call.inner_text()

    http.post(f"/api/v1/incidents/{created['id']}/assignments/", {"team": team.pk})
    call.get_by_text(f"{team.call_sign} · Dispatched").wait_for(timeout=10000)
    team_row = page.locator(f"[data-team='{team.pk}']")
    team_row.get_by_text(created["reference"]).wait_for(timeout=10000)  # its current call: from the team's row

    http.post(f"/api/v1/incidents/{created['id']}/cancel/", {"reason": "Caller withdrew"})
    call.wait_for(state="detached", timeout=10000)

    assert "board/" not in seen, seen
    assert seen.count("board/rows/") >= 3, seen
    assert page.evaluate("document.getElementById('board').dataset.snapshots") == "1"
