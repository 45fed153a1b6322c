"""The partner inbox in a real browser: keyboard-usable forms that move the referral along."""

import pytest

from apps.followups import services
from apps.followups.models import Referral
from tests.a11y import assert_accessible
from tests.followups.conftest import FULL_CONSENT

pytestmark = [pytest.mark.browser, pytest.mark.services]


def test_a_partner_accepts_and_reports_no_capacity_from_the_inbox(
    browser_login, responder, encounter_version, shelter_service, shelter_partner
):
    referral = services.referral_create(
        actor=responder,
        encounter_id=encounter_version.encounter_id,
        service_id=shelter_service.pk,
        consent=FULL_CONSENT,
        need="shelter",
    )
    page = browser_login(shelter_partner, path="/partners/")
    page.click(f"tr[data-referral='{referral.pk}'] a")
    assert page.inner_text("#shared-fields").count("Sam") == 1
    assert page.inner_text("#referral-need") == "Shelter or housing tonight"
    assert_accessible(page)
    page.click("button[data-action='accepted']")
    page.wait_for_selector("text=Saved")
    assert page.inner_text("#referral-status") == "Accepted"
    page.select_option("#reason-not_delivered", "no_capacity")
    page.click("button[data-action='not_delivered']")
    page.wait_for_selector("text=Saved")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.NOT_DELIVERED and referral.status_reason == "no_capacity"
