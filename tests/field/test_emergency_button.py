"""The emergency button in the browser: held on the tablet (a brief press does nothing), it reaches an
open board at once, the board's alarm survives a reload until a dispatcher acknowledges and resolves
it, and with no signal the tablet says to use the radio and sends it when the signal returns."""

import pytest

from apps.safety.models import Emergency
from tests.field.browser import in_thread
from tests.field.helpers import assigned_call

pytestmark = [pytest.mark.browser, pytest.mark.services]

RIVERSIDE = {"latitude": 39.7521, "longitude": -104.9988, "accuracy": 8}


def hold_with_keyboard(page, seconds=1.8):
    page.focus("#sos")
    page.keyboard.down("Space")
    page.wait_for_timeout(int(seconds * 1000))
    page.keyboard.up("Space")


def test_a_held_press_reaches_the_open_board_and_stays_until_resolved(
    field_app, browser_login, responder, tablet_device, dispatcher, team
):
    incident, _assignment = assigned_call(dispatcher, team, location_text="Riverside Park")
    board = browser_login(dispatcher, path="/board/")
    board.wait_for_selector("#board[data-stream=live]", timeout=15000)
    assert board.locator("#emergency-alarm").is_hidden()
    _context, page = field_app(responder, tablet_device, geolocation=RIVERSIDE)
    page.wait_for_selector("#sos-bar:not([hidden])")

    # A brush or a pocket press: a click and a short hold raise nothing.
    page.click("#sos")
    page.focus("#sos")
    page.keyboard.down("Enter")
    page.wait_for_timeout(500)
    page.keyboard.up("Enter")
    page.wait_for_timeout(300)
    assert page.locator("#sos-status").is_hidden()
    assert in_thread(Emergency.objects.count) == 0

    hold_with_keyboard(page)
    page.wait_for_selector("#sos-status:has-text('Emergency sent')", timeout=5000)
    # How fast it reaches the board is measured in bench/emergency_latency.py (docs/performance.md).
    board.wait_for_selector("#emergency-alarm:not([hidden]) [data-emergency]", timeout=5000)
    alarm = board.locator("#emergency-alarm")
    assert alarm.get_attribute("role") == "alert"
    assert team.call_sign in alarm.inner_text()
    assert "39.75210" in alarm.inner_text()  # the tablet's last position
    assert incident.reference in alarm.inner_text()
    board.wait_for_selector("#map path.map-emergency", state="attached", timeout=5000)  # a red ring where it was

    board.reload()
    board.wait_for_selector("#emergency-alarm:not([hidden]) [data-emergency-ack]", timeout=10000)
    board.click("[data-emergency-ack]")
    board.wait_for_selector("[data-emergency-resolve]", timeout=5000)
    page.wait_for_selector("#sos-status:has-text('Dispatch acknowledged')", timeout=10000)
    board.reload()
    board.wait_for_selector("#emergency-alarm:not([hidden]) [data-emergency-resolve]", timeout=10000)
    board.click("[data-emergency-resolve]")
    board.wait_for_selector("#emergency-alarm", state="hidden", timeout=5000)
    board.reload()
    board.wait_for_selector("#board[data-stream=live]", timeout=15000)
    assert board.locator("#emergency-alarm").is_hidden()
    emergency = in_thread(lambda: Emergency.objects.get())
    assert emergency.acknowledged_by_id == dispatcher.pk and emergency.resolved_by_id == dispatcher.pk
    assert (emergency.latitude, emergency.longitude) == (39.7521, -104.9988)


def test_with_no_signal_it_says_use_your_radio_and_sends_it_when_the_signal_returns(
    field_app, responder, tablet_device, team
):
    context, page = field_app(responder, tablet_device)  # no position: Geolocation refused
    page.click(".nav-btn[data-view=resources]")
    context.set_offline(True)
    page.wait_for_selector("#sos-bar:not([hidden])")
    hold_with_keyboard(page)
    page.wait_for_selector("#sos-status:has-text('No signal: use your radio')", timeout=5000)
    page.wait_for_function("() => document.body.dataset.pending === '1'", timeout=5000)
    assert in_thread(Emergency.objects.count) == 0
    context.set_offline(False)
    page.click("#pending")
    page.wait_for_function("() => document.body.dataset.pending === '0'", timeout=30000)
    emergency = in_thread(lambda: Emergency.objects.get())
    assert (emergency.team_id, emergency.latitude, emergency.incident_id) == (team.pk, None, None)
