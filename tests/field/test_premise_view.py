"""The tablet shows a call's premise history (earlier calls at the address, the location's caution
notes) from what it kept, so with no signal too; the board's call detail shows it from its door."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.incidents import services
from apps.safety.models import LocationCaution
from apps.safety.services import caution_save
from tests.field.browser import reopen
from tests.field.helpers import assigned_call

pytestmark = [pytest.mark.browser, pytest.mark.services]


@pytest.fixture
def premises(dispatcher, supervisor):
    services.incident_create(
        actor=dispatcher,
        summary="Earlier call",
        location_text="1200 BROADWAY STREET",
        safety_flags=["weapons"],
        received_at=timezone.now() - timedelta(days=9),
    )
    caution_save(
        actor=supervisor,
        caution=LocationCaution(location_text="1200 broadway st", flags=["animals"], note="Large dog in the yard."),
    )


def test_the_call_view_shows_premise_history_offline(field_app, premises, responder, tablet_device, dispatcher, team):
    assigned_call(dispatcher, team, location_text="1200 Broadway St.")
    context, page = field_app(responder, tablet_device)
    context.set_offline(True)
    reopen(page)
    page.click(".call-card:has-text('1200 Broadway St.')")
    section = page.locator("#premise")
    section.wait_for()
    text = section.inner_text()
    assert "Premise history" in text and "Large dog in the yard." in text and "Animals" in text, text
    assert "same address" in text and "weapons" in text, text


def test_the_board_detail_shows_premise_history(browser_login, premises, dispatcher, team):
    incident, _assignment = assigned_call(dispatcher, team, location_text="1200 Broadway St.")
    board = browser_login(dispatcher, path="/board/")
    board.click(f"[data-incident='{incident.pk}']")
    board.wait_for_selector("#detail #premise:has-text('Large dog in the yard.')", timeout=10000)
    assert "same address" in board.inner_text("#detail #premise")


def test_a_busy_address_shows_the_latest_calls_and_every_flagged_one_and_the_rest_on_a_tap(
    field_app, responder, tablet_device, dispatcher, team
):
    """Dozens of earlier calls must not push the call itself off the screen; none with a safety flag
    may be the one hidden."""
    now = timezone.now()
    for days in range(1, 8):  # seven earlier calls, the oldest with weapons
        services.incident_create(
            actor=dispatcher,
            summary="Earlier call",
            location_text="Union Station bus bay",
            safety_flags=["weapons"] if days == 7 else [],
            received_at=now - timedelta(days=days),
        )
    assigned_call(dispatcher, team, location_text="Union Station bus bay")
    _context, page = field_app(responder, tablet_device)
    page.click(".call-card:has-text('Union Station bus bay')")
    section = page.locator("#premise")
    section.wait_for()
    assert "7 earlier calls here in the last" in section.inner_text()
    assert section.locator(".prior-calls li").count() == 4  # the latest three and the flagged one
    assert "weapons" in section.inner_text()
    page.get_by_role("button", name="Show all 7").click()
    assert section.locator(".prior-calls li").count() == 7
    page.get_by_role("button", name="Show fewer").click()
    assert section.locator(".prior-calls li").count() == 4
    # What the caller said comes before the history.
    assert page.locator("h2:has-text('What the caller said') ~ #premise").count() == 1
