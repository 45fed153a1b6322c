"""The screening page's location autocomplete in Chromium: typed text, arrow keys, Enter, the pick recorded."""

import pytest

from apps.incidents.models import Incident
from tests.a11y import assert_accessible
from tests.field.browser import until

URL = "/intake/screen/"


@pytest.mark.browser
def test_a_call_taker_picks_a_location_by_keyboard_and_the_call_records_the_pick(
    riverton, policy, call_taker, team, browser_login
):
    page = browser_login(call_taker, path=URL)
    page.wait_for_selector("#id_call_type")
    page.select_option("#id_call_type", "welfare_check")
    page.focus("#id_location_text")
    page.keyboard.type("102 markte st")
    assert until(page, "document.querySelectorAll('#location-candidates [role=option]').length > 0")
    assert page.get_attribute("#id_location_text", "aria-expanded") == "true"
    assert "102 Market St, Riverton" in page.inner_text("#location-candidates")
    assert "arrow keys" in page.inner_text("#location-status")
    assert_accessible(page)
    page.keyboard.press("ArrowDown")
    active = page.get_attribute("#id_location_text", "aria-activedescendant")
    assert page.get_attribute(f"#{active}", "aria-selected") == "true"
    page.keyboard.press("Enter")  # picks; the form is not submitted
    assert page.input_value("#id_location_text") == "102 Market St, Riverton"
    row = next(r for r in riverton if r["NUMBER"] == "102" and r["STREET"] == "Market St" and not r["UNIT"])
    assert float(page.input_value("#id_latitude")) == float(row["LAT"])
    assert float(page.input_value("#id_longitude")) == float(row["LON"])
    assert page.input_value("#id_location_picked") == "1"
    assert page.is_hidden("#location-candidates")
    assert "Location set" in page.inner_text("#location-status")
    page.fill("#id_summary", "Older man on a bench, not dressed for the cold")
    for key in ["weapon_involved", "violence_or_threats", "medical_emergency", "suicide_attempt_with_means"]:
        page.check(f"input[name=q_{key}][value=no]")
    for question in page.query_selector_all("fieldset.question"):
        if not question.query_selector("input:checked"):
            question.query_selector("input[value=no]").check()
    page.keyboard.press("Alt+d")
    page.wait_for_selector("#decision-done")
    incident = Incident.objects.get(location_text="102 Market St, Riverton")
    assert (incident.location_source, incident.latitude) == ("picked", float(row["LAT"]))


@pytest.mark.browser
def test_the_autocomplete_speaks_spanish(riverton, policy, call_taker, team, browser_login):
    call_taker.language = "es"
    call_taker.save(update_fields=["language"])
    page = browser_login(call_taker, path=URL)
    page.wait_for_selector("#id_location_text")
    page.focus("#id_location_text")
    page.keyboard.type("9999 Zzyzx Qqq")
    assert until(page, "document.getElementById('location-status').textContent.length > 0")
    assert "Ningún lugar" in page.inner_text("#location-status")
