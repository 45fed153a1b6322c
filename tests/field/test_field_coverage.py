"""The tablet asks how the person's care is paid for (issue 16: Medicaid billing needs it recorded)."""

import time

import pytest
from django.db import connection

from apps.incidents.models import EncounterVersion
from tests.field.helpers import assigned_call

pytestmark = [pytest.mark.browser, pytest.mark.services]


def _version_of(incident, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while True:
        connection.close()
        version = EncounterVersion.objects.filter(encounter__incident=incident).first()
        if version is not None or time.monotonic() > deadline:
            return version
        time.sleep(0.2)


def test_the_coverage_chosen_on_the_form_reaches_the_encounter(field_app, responder, tablet_device, dispatcher, team):
    incident, _assignment = assigned_call(dispatcher, team, location_text="Confluence Park")
    _context, page = field_app(responder, tablet_device)
    page.click(".call-card:has-text('Confluence Park')")
    page.click("[data-action=new-encounter]")
    page.click("[data-field=disposition][data-code=referred]")
    page.click("details summary")  # the person's optional details, where the coverage is asked
    page.click("[data-field=coverage][data-code=medicaid]")
    page.wait_for_selector("[data-field=coverage][data-code=medicaid][aria-pressed=true]")  # kept in the draft
    page.click("[data-action=submit-form]")
    version = _version_of(incident)
    assert version is not None and (version.disposition, version.coverage) == ("referred", "medicaid")
