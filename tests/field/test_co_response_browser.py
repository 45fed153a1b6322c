"""Police, fire or EMS asked from the tablet with no signal, sent when the signal returns, seen on the
open board's call detail without a reload; "arrived" pressed on the board reaches the tablet; the
outcome chosen on the tablet reaches the board."""

import pytest

from apps.safety.models import CoResponse
from tests.a11y import assert_accessible
from tests.field.browser import eventually
from tests.field.helpers import assigned_call

pytestmark = [pytest.mark.browser, pytest.mark.services]


def test_police_asked_offline_from_the_tablet_reach_the_board_and_both_record_the_rest(
    field_app, browser_login, responder, tablet_device, dispatcher, team
):
    incident, _assignment = assigned_call(dispatcher, team, location_text="Riverside Park")
    board = browser_login(dispatcher, path="/board/")
    board.wait_for_selector("#board[data-stream=live]", timeout=15000)
    board.click(f"[data-incident='{incident.pk}']")
    board.wait_for_selector("#detail #co-responses:has-text('No other agency asked to this call.')", timeout=10000)

    context, page = field_app(responder, tablet_device)
    page.click(".call-card:has-text('Riverside Park')")
    context.set_offline(True)
    page.click("[data-action=co-open]")
    page.click("[data-action=co-agency][data-code=police]")
    page.click("[data-action=co-reason][data-code=other]")
    page.click("[data-action=co-ask]")
    page.wait_for_selector("#message:has-text('Say why in a few words.')")
    page.fill("#co-text", "Man with a bat threatening passers-by")
    page.click("[data-action=co-ask]")
    page.wait_for_selector("#co-responses .co-response:has-text('not sent yet')")
    assert "Man with a bat" in page.inner_text("#co-responses")
    assert CoResponse.objects.count() == 0

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    assert eventually(lambda: CoResponse.objects.filter(incident=incident, requested_via="tablet").exists())
    row = board.locator("#detail #co-responses li[data-co-response]")
    row.wait_for(timeout=10000)
    assert "Police" in row.inner_text() and "Man with a bat" in row.inner_text()
    assert "asked " in row.inner_text() and "arrived " not in row.inner_text()
    assert_accessible(board)

    row.get_by_role("button", name="Arrived").click()
    assert eventually(lambda: CoResponse.objects.filter(incident=incident, arrived_at__isnull=False).exists())
    page.wait_for_selector("#co-responses [data-step=left]", timeout=15000)  # the tablet now offers "They left"
    times = page.inner_text("#co-responses .co-response .hint")
    assert "asked " in times and "arrived " in times and "left " not in times
    board.wait_for_selector("#detail #co-responses li:has-text('arrived ')", timeout=10000)
    page.select_option("#co-responses select[data-co-outcome]", "assisted")
    assert eventually(lambda: CoResponse.objects.filter(incident=incident, outcome="assisted").exists())
    board.wait_for_selector("#detail #co-responses li .outcome:has-text('the team stayed in charge')", timeout=10000)
