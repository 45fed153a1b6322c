"""A call assigned while the app is open takes over the screen, whatever view is open: priority, call
type, address and distance; it rings and vibrates again until acknowledged; the sync's notices go to
their own quiet line and never replace it."""

import pytest

from apps.incidents.models import Assignment
from apps.incidents.services import assignment_acknowledge
from tests.factories import CallTypeFactory
from tests.field.browser import eventually, in_thread
from tests.field.helpers import assigned_call

pytestmark = [pytest.mark.browser, pytest.mark.services]

ONE_KM_NORTH = {"latitude": 39.744, "longitude": -104.987, "accuracy": 10}  # the call is at 39.735, -104.987


def test_a_new_call_takes_over_any_view_and_repeats_until_acknowledged(
    field_app, responder, tablet_device, dispatcher, team
):
    CallTypeFactory(code="welfare_check", name="Welfare check")
    _context, page = field_app(responder, tablet_device, geolocation=ONE_KM_NORTH)
    page.evaluate("() => { window.__buzz = 0; navigator.vibrate = () => { window.__buzz += 1; return true; }; }")
    page.click(".nav-btn[data-view=resources]")  # not the calls list
    page.wait_for_function("() => document.body.dataset.conn === 'live'", timeout=15000)
    assert page.locator("#new-call").is_hidden()

    in_thread(
        assigned_call, dispatcher, team, location_text="Cheesman Park pavilion", call_type="welfare_check", priority=2
    )
    takeover = page.locator("#new-call")
    takeover.wait_for(state="visible", timeout=15000)
    assert takeover.get_attribute("role") == "alertdialog"
    text = takeover.inner_text()
    for words in ("New call", "Priority 2", "Welfare check", "Cheesman Park pavilion", "1 km away"):
        assert words in text, text
    assert page.evaluate("document.activeElement.id") == "new-call-ack"
    assert page.evaluate("document.body.dataset.view") == "resources"  # the view is under it, untouched

    page.wait_for_function("() => window.__buzz >= 2", timeout=8000)  # it rings again
    page.evaluate("FL.contact()")  # a sync meanwhile says nothing over it
    assert takeover.is_visible() and "Cheesman Park pavilion" in takeover.inner_text()

    page.keyboard.press("Enter")  # the focused button: acknowledge and open the call
    takeover.wait_for(state="hidden", timeout=5000)
    page.wait_for_selector("body[data-view=call]")
    assert "Cheesman Park pavilion" in page.inner_text("#view")
    assert eventually(lambda: Assignment.objects.get(team=team).status == "acknowledged")
    page.wait_for_selector("#sync-note:has-text('1 change sent')", timeout=10000)  # the quiet line, not #message
    assert "sent" not in (page.inner_text("#message") if page.locator("#message").is_visible() else "")
    rings = page.evaluate("window.__buzz")
    page.wait_for_timeout(5500)
    assert page.evaluate("window.__buzz") == rings  # silent once acknowledged


def test_a_call_acknowledged_on_another_tablet_of_the_team_leaves_the_screen(
    field_app, responder, tablet_device, dispatcher, team
):
    _context, page = field_app(responder, tablet_device)
    page.wait_for_function("() => document.body.dataset.conn === 'live'", timeout=15000)
    _incident, assignment = in_thread(assigned_call, dispatcher, team, location_text="Sloan's Lake")
    page.locator("#new-call").wait_for(state="visible", timeout=15000)
    assert "Distance unknown" in page.inner_text("#new-call")  # no position from this tablet
    in_thread(assignment_acknowledge, actor=responder, assignment_id=assignment.pk)
    page.locator("#new-call").wait_for(state="hidden", timeout=15000)
