"""The board on a dispatcher's 1440×900 screen: queue, map and teams in view together, one action a
card, feedback for an empty choice, a second press to clear, the tablets' contact, and axe-core."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.accounts.models import Device
from apps.incidents import services
from tests.a11y import assert_accessible
from tests.factories import TeamFactory, tablet_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1440, "height": 900}


def _busy_board(dispatcher, n=12):
    teams = [TeamFactory() for _ in range(5)]
    calls = [
        services.incident_create(
            actor=dispatcher,
            summary=f"Person in distress {i}",
            location_text=f"{100 + i} Colfax Ave",
            priority=1 + i % 4,
            latitude=39.74 + i / 200,
            longitude=-104.99,
        )
        for i in range(n)
    ]
    services.incident_assign(actor=dispatcher, incident_id=calls[0].pk, team_id=teams[0].pk)
    return calls, teams


def _open(browser_login, dispatcher, calls):
    page = browser_login(dispatcher, path="/board/", viewport=DESK)
    page.wait_for_selector("#board[data-stream=live]", timeout=15000)
    page.wait_for_selector(f"[data-incident='{calls[-1].pk}']")
    page.wait_for_selector("#detail h3")
    return page


def test_queue_map_and_teams_are_in_view_together_at_1440_by_900(browser_login, dispatcher):
    calls, _teams = _busy_board(dispatcher)
    page = _open(browser_login, dispatcher, calls)
    height = page.evaluate("document.documentElement.scrollHeight")
    boxes = {
        name: page.locator(sel).bounding_box()
        for name, sel in {
            "queue": ".panel.queue",
            "map": "#map",
            "teams": ".panel.teams",
            "detail": ".panel.detail",
        }.items()
    }
    print(f"board page height at 1440x900: {height}px; map top {boxes['map']['y']:.0f}px")
    assert height <= 900
    for name, box in boxes.items():
        assert box["y"] >= 0 and box["y"] + box["height"] <= 900, (name, box)
    assert boxes["map"]["height"] >= 150
    # The twelve calls do not fit: the queue scrolls inside its panel, not the page.
    assert page.evaluate(
        "(() => { const q = document.querySelector('.panel.queue'); return q.scrollHeight > q.clientHeight; })()"
    )
    # One action a card: the recommended team (or the screening); the rest is in the detail panel.
    for call in calls:
        card = page.locator(f"[data-incident='{call.pk}']")
        assert card.locator("button, select, a").count() <= 1
    assert page.locator("#detail select").count() >= 1


def test_assign_with_no_team_chosen_says_so_and_clear_needs_a_second_press(browser_login, dispatcher):
    calls, teams = _busy_board(dispatcher, n=2)
    services.assignment_set_status(actor=dispatcher, assignment_id=calls[0].assignments.get().pk, status="on_scene")
    page = _open(browser_login, dispatcher, calls)
    page.locator(f"[data-incident='{calls[0].pk}']").click()
    page.wait_for_selector(f"#detail h3:has-text('{calls[0].reference}')")
    page.locator("#detail [data-assign-chosen]").click()
    page.wait_for_selector("#flash.error:has-text('Choose a team first.')")
    assert page.locator("#detail .assign-other select").get_attribute("aria-invalid") == "true"

    clear = page.locator("#detail").get_by_role("button", name="Clear")
    clear.click()
    page.wait_for_selector("#detail button.armed")
    page.wait_for_timeout(500)
    assert calls[0].assignments.get().status == "on_scene"  # one press did nothing
    page.locator("#detail button.armed").click()
    # The team's chip leaves the card (and the card the queue, once the call is no longer open).
    chip = page.locator(f"[data-incident='{calls[0].pk}']:has-text('{teams[0].call_sign} · ')")
    expect(chip).to_have_count(0, timeout=10000)
    assert calls[0].assignments.get().status == "cleared"


def test_reassign_waits_for_its_button_and_a_silent_tablet_is_marked(browser_login, dispatcher, responder, team):
    calls, teams = _busy_board(dispatcher, n=2)
    quiet = tablet_for(responder)
    Device.objects.filter(pk=quiet.pk).update(team=teams[0], last_seen_at=timezone.now() - timedelta(minutes=12))
    heard = tablet_for(responder)
    Device.objects.filter(pk=heard.pk).update(team=teams[1], last_seen_at=timezone.now())
    page = _open(browser_login, dispatcher, calls)
    page.locator(f"[data-team='{teams[0].pk}'].quiet").get_by_text("Tablet silent for 12:").wait_for()
    page.locator(f"[data-team='{teams[1].pk}']:not(.quiet)").get_by_text("Tablet heard from").wait_for()

    page.locator(f"[data-incident='{calls[0].pk}']").click()
    page.wait_for_selector(f"#detail h3:has-text('{calls[0].reference}')")
    page.locator("#detail .assignments select").select_option(str(teams[2].pk))
    page.wait_for_timeout(500)
    assert calls[0].assignments.get().team_id == teams[0].pk  # choosing alone reassigns nothing
    page.locator("#detail .assignments").get_by_role("button", name="Reassign").click()
    page.wait_for_selector(f"#flash:has-text('Reassigned to {teams[2].call_sign}.')", timeout=10000)


def test_the_board_passes_axe(browser_login, dispatcher):
    calls, _teams = _busy_board(dispatcher, n=3)
    page = _open(browser_login, dispatcher, calls)
    assert_accessible(page)
