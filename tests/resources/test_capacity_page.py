"""The capacity page in headless Chromium against a real server, used with the keyboard only."""

import pytest

from apps.resources.models import ServiceCapacity
from apps.resources.selectors import SearchQuery, services_search
from tests.resources.builders import make_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_partner_updates_a_count_with_the_keyboard_and_it_reaches_field_search(browser_login, partner_user):
    shelter = make_service("Night shelter", organization=partner_user.partner_organization, needs=("shelter",))
    page = browser_login(partner_user, path="/resources/capacity/")
    page.get_by_text("No count yet.").wait_for()
    page.get_by_label("Free now").focus()
    page.keyboard.type("7")
    page.keyboard.press("Tab")
    page.keyboard.type("30")
    page.keyboard.press("Enter")
    page.get_by_text("Saved: Night shelter.").wait_for(timeout=10000)
    assert page.get_by_text("current").is_visible()
    box = page.get_by_role("button", name="Save Night shelter").bounding_box()
    assert box["height"] >= 48
    capacity = ServiceCapacity.objects.get(service=shelter)
    assert (capacity.available, capacity.total, capacity.updated_by_id) == (7, 30, partner_user.pk)
    (found,) = services_search(query=SearchQuery(need="shelter", has_capacity=True))
    assert found["capacity"]["available"] == 7 and found["capacity"]["stale"] is False
