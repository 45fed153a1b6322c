"""The call-taker's screening page: through Django's client, and in headless Chromium by keyboard."""

import pytest

from apps.incidents.models import Incident
from apps.intake.models import Handback, ScreeningDecision
from tests.factories import PASSWORD

URL = "/intake/screen/"


def form(**extra):
    data = {
        "call_type": "welfare_check",
        "location_text": "Riverside Park",
        "summary": "Man on a bench, cold",
        "q_weapon_involved": "no",
        "q_violence_or_threats": "no",
        "q_medical_emergency": "no",
        "q_suicide_attempt_with_means": "no",
        "action": "decide",
    }
    data.update(extra)
    return data


@pytest.fixture
def signed_in(client, call_taker):
    assert client.login(username=call_taker.username, password=PASSWORD)
    return client


@pytest.mark.django_db
def test_the_page_shows_the_questions_of_the_policy_in_force(policy, signed_in):
    page = signed_in.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Is anyone known to have a weapon?" in html
    assert f"v{policy.number}" in html
    assert 'data-shortcut="d"' in html and "Alt+D" in html


@pytest.mark.django_db
def test_checking_shows_the_result_without_recording_anything(policy, signed_in):
    page = signed_in.post(URL, form(action="check", q_weapon_involved="yes"))
    assert page.status_code == 200
    assert "A weapon is involved." in page.content.decode()
    assert not ScreeningDecision.objects.exists()


@pytest.mark.django_db
def test_confirming_creates_the_incident(policy, signed_in, call_taker):
    page = signed_in.post(URL, form())
    assert page.status_code == 302
    decision = ScreeningDecision.objects.get()
    assert decision.decided_by == call_taker and decision.incident is not None
    shown = signed_in.get(page["Location"]).content.decode()
    assert decision.incident.reference in shown


@pytest.mark.django_db
def test_an_override_without_a_reason_is_refused_on_the_page(policy, signed_in):
    page = signed_in.post(URL, form(q_weapon_involved="yes", override="alternative"))
    assert page.status_code == 400
    assert "An override needs a reason." in page.content.decode()
    assert not ScreeningDecision.objects.exists()


@pytest.mark.django_db
def test_responders_cannot_open_the_page(policy, client, responder):
    client.login(username=responder.username, password=PASSWORD)
    assert client.get(URL).status_code == 403


@pytest.mark.browser
def test_a_call_taker_screens_a_call_by_keyboard_in_chromium(policy, call_taker, team, browser_login):
    page = browser_login(call_taker, path=URL)
    page.wait_for_selector("#id_call_type")
    page.focus("#btn-check")
    page.keyboard.press("Alt+t")
    assert page.evaluate("document.activeElement.id") == "id_call_type"
    page.select_option("#id_call_type", "welfare_check")
    page.keyboard.press("Tab")
    page.keyboard.type("Riverside Park, north entrance")
    page.keyboard.press("Tab")
    page.keyboard.type("Older man on a bench, not dressed for the cold")
    page.focus("input[name=q_weapon_involved][value=yes]")
    for _ in range(5):
        page.keyboard.press("n")
    assert page.evaluate("document.activeElement.id") == "btn-check"
    assert page.is_checked("input[name=q_suicide_attempt_with_means][value=no]")
    page.wait_for_selector("#live-result:not([hidden])")
    page.wait_for_function("() => document.getElementById('live-result').textContent.includes('Alternative response')")
    page.keyboard.press("Enter")
    page.wait_for_selector("#evaluation")
    assert "Alternative response" in page.inner_text("#evaluation-type")
    page.keyboard.press("Alt+d")
    page.wait_for_selector("#decision-done")
    assert Incident.objects.filter(location_text="Riverside Park, north entrance").count() == 1
    assert ScreeningDecision.objects.get().answers["crime_in_progress"] is False
    reference = Incident.objects.get().reference
    assert reference in page.inner_text("#decision-done")


@pytest.mark.browser
def test_a_screened_out_call_is_handed_back_after_an_override_attempt(policy, call_taker, browser_login):
    page = browser_login(call_taker, path=URL)
    page.select_option("#id_call_type", "conflict_resolution")
    page.fill("#id_location_text", "1400 block of Elm St")
    page.check("input[name=q_weapon_involved][value=yes]")
    page.select_option("#id_override", "alternative")
    page.click("#btn-decide")
    page.wait_for_selector("#screen-errors")
    assert "An override needs a reason." in page.inner_text("#screen-errors")
    page.select_option("#id_override", "")
    page.click("#btn-decide")
    page.wait_for_selector("#decision-done")
    assert "handed back" in page.inner_text("#decision-done")
    assert Handback.objects.count() == 1 and not Incident.objects.exists()
