"""axe-core on every screen of the tablet app (issue 14 item 5): no serious or critical problem for a
responder using a screen reader or a keyboard, at a tablet's and a phone's size."""

import pytest

from tests.a11y import assert_accessible
from tests.field.helpers import assigned_call

pytestmark = [pytest.mark.browser, pytest.mark.services]


@pytest.mark.parametrize("size", [{"width": 1024, "height": 768}, {"width": 390, "height": 844}])
def test_every_screen_of_the_tablet_app_passes_axe(field_app, responder, tablet_device, dispatcher, team, size):
    assigned_call(dispatcher, team, location_text="Sunken Gardens Park")
    context, page = field_app(responder, tablet_device, viewport=size)
    assert_accessible(page)  # the calls list
    page.click(".call-card:has-text('Sunken Gardens Park')")
    page.wait_for_selector("body[data-view=call]")
    assert_accessible(page)
    page.click("[data-action=new-encounter]")
    page.click("[data-action=flag][data-field=followup_needed]")
    page.click("[data-action=flag][data-field=referral_needed]")
    page.wait_for_selector("[data-field=followup_when]")
    page.click("summary")  # the person's details opened
    assert_accessible(page)
    page.click("[data-action=close-form]")
    page.click(".nav-btn[data-view=resources]")
    page.wait_for_selector("body[data-view=resources]")
    assert_accessible(page)
    page.click(".nav-btn[data-view=problems]")
    page.wait_for_selector("body[data-view=problems]")
    assert_accessible(page)
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("body[data-view=locked]")
    assert_accessible(page)  # the locked screen, opened from the kept shell
