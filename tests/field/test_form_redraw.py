"""The encounter form is redrawn after every tap: what the responder typed and where they were stay."""

import pytest

from tests.field.browser import until
from tests.field.helpers import assigned_call

pytestmark = [pytest.mark.browser, pytest.mark.services]


def open_form(field_app, responder, tablet_device, dispatcher, team):
    assigned_call(dispatcher, team, location_text="Sloan's Lake boathouse")
    _context, page = field_app(responder, tablet_device)
    page.click('.call-card:has-text("Sloan\'s Lake boathouse")')
    page.click("[data-action=new-encounter]")
    page.wait_for_selector("#narrative")
    return page


def test_words_typed_before_a_tap_are_kept_and_saved(field_app, responder, tablet_device, dispatcher, team):
    page = open_form(field_app, responder, tablet_device, dispatcher, team)
    # Words in the box whose input event the app has not handled yet, then a tap that redraws the form.
    page.evaluate("document.querySelector('#narrative').value = 'Sitting by the water, cold'")
    page.evaluate("document.querySelector('#person-name').value = 'J.'")
    page.click("[data-code=shelter]")
    page.wait_for_selector("[data-code=shelter][aria-pressed=true]")
    assert page.input_value("#narrative") == "Sitting by the water, cold"
    assert page.input_value("#person-name") == "J."
    saved = until(
        page,
        """FLStore.all('drafts').then((d) => d.find((x) => x.narrative === 'Sitting by the water, cold'
        && x.person.name === 'J.' && x.needs.includes('shelter')) ? 'saved' : '')""",
    )
    assert saved == "saved"


def test_the_focus_stays_on_the_control_the_responder_used(field_app, responder, tablet_device, dispatcher, team):
    page = open_form(field_app, responder, tablet_device, dispatcher, team)
    page.focus("[data-code=shelter]")
    page.keyboard.press("Space")
    page.wait_for_selector("[data-code=shelter][aria-pressed=true]")
    assert page.evaluate("document.activeElement.dataset.code") == "shelter"
    page.focus("#narrative")
    page.keyboard.type("Cold")
    page.keyboard.press("ArrowLeft")
    page.click("[data-action=people][data-step='1']")  # a tap elsewhere moves the focus there, and keeps it
    page.wait_for_selector("#people-served:has-text('2')")
    assert page.evaluate("document.activeElement.dataset.step") == "1"
    assert page.input_value("#narrative") == "Cold"
