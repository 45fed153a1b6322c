"""A call-taker screens a call in Spanish: the page, its live preview (screen.js) and the decision, with
no English on screen except the policy's own name. The call types show by their Spanish names, and
the reasons (recorded in English) come translated from the page and from the screening API."""

import pytest

from tests.common.spanish import english_left

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The policy's name, as a supervisor wrote it in the admin (it has no other-language name yet).
PROGRAM_CONTENT = ["p.muted strong"]


def test_a_call_taker_screens_a_call_in_spanish(browser_login, call_taker, policy):
    page = browser_login(call_taker, path="/intake/screen/")
    page.click(".language-switch button[value=es]")
    page.wait_for_selector("html[lang=es] #screen-form")
    page.select_option("#id_call_type", "welfare_check")
    page.fill("#id_location_text", "Parque Riverside")
    for key in ("weapon_involved", "violence_or_threats", "medical_emergency", "suicide_attempt_with_means"):
        page.check(f"input[name=q_{key}][value=no]")
    page.wait_for_selector("#live-result:not([hidden]) strong:has-text('La política indica')", timeout=10000)
    assert english_left(page, skip=PROGRAM_CONTENT) == []

    page.click("#btn-decide")
    page.wait_for_selector("#decision-done")
    assert english_left(page, skip=PROGRAM_CONTENT) == []
