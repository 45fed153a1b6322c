"""Screening is safe by default: safety questions have no default answer, and silence is never green.

Through the service, the JSON API, the screening page (Django client) and Chromium at 1440×900.
"""

import json

import pytest

from apps.common.errors import ApplicationError
from apps.incidents.models import Incident
from apps.incidents.services import incident_assign
from apps.incidents.states import SCREENING_HOLD
from apps.intake import services
from apps.intake.models import EidoDocument, ScreeningDecision, ScreeningQuestion, UnansweredCritical
from tests.factories import PASSWORD
from tests.intake.eido_samples import eido

URL = "/intake/screen/"
ALL_NO = {"weapon_involved": "no", "violence_or_threats": "no", "medical_emergency": "no"}
ALL_NO["suicide_attempt_with_means"] = "no"


def call(**extra):
    fields = {"call_type": "welfare_check", "location_text": "Riverside Park", "summary": "Man on a bench"}
    return {**fields, **extra}


@pytest.mark.django_db
def test_five_unknowns_are_not_yet_safe_to_decide_never_green(policy):
    unknowns = dict.fromkeys(ALL_NO, "unknown") | {"crime_in_progress": "unknown"}
    evaluation = services.screening_evaluate(
        version=policy, call_type=services.call_type_resolve("welfare_check"), answers=unknowns
    )
    assert evaluation.state == "not_yet_safe" and not evaluation.safe_to_decide
    assert evaluation.state != "alternative"
    assert set(evaluation.unanswered_critical) == set(ALL_NO)
    assert any(r.startswith("Not yet safe to decide") for r in evaluation.reasons)


@pytest.mark.django_db
def test_an_all_unknown_call_cannot_be_screened_in_without_an_override_and_its_reason(policy, call_taker):
    with pytest.raises(ApplicationError, match="Not yet safe to decide") as refused:
        services.call_screen(actor=call_taker, answers={}, **call())
    assert set(refused.value.extra["unanswered"]) == set(ALL_NO)
    with pytest.raises(ApplicationError, match="Not yet safe to decide"):
        services.call_screen(actor=call_taker, answers={}, override="alternative", **call())
    assert not Incident.objects.exists() and not ScreeningDecision.objects.exists()
    decision = services.call_screen(
        actor=call_taker,
        answers={},
        override="alternative",
        override_reason="Caller hung up; outreach worker on site says he is calm and alone.",
        **call(),
    )
    assert decision.overridden and decision.recommended == "alternative"
    assert "Screened in without answers" in decision.incident.safety_notes


@pytest.mark.django_db
def test_handing_a_call_back_never_needs_the_answers(policy, call_taker):
    decision = services.call_screen(actor=call_taker, answers={}, override="not_eligible", **call())
    assert decision.response_type == "not_eligible" and decision.incident is None


@pytest.mark.django_db
def test_the_policy_decides_what_silence_means(policy, supervisor, call_taker):
    draft = services.policy_version_draft(actor=supervisor, policy_id=policy.policy_id)
    type(draft).objects.filter(pk=draft.pk).update(unanswered_critical=UnansweredCritical.ASSUME_YES)
    ScreeningQuestion.objects.filter(version=draft, key="crime_in_progress").update(critical=True)
    services.policy_version_publish(actor=supervisor, version_id=draft.pk)
    decision = services.call_screen(actor=call_taker, answers={**ALL_NO, "weapon_involved": ""}, **call())
    assert decision.response_type == "not_eligible"  # an unanswered weapons question is treated as a yes
    assert any(r.startswith("Not answered, treated as yes") for r in decision.reasons)


@pytest.mark.django_db
def test_a_policy_marks_another_question_critical(policy, supervisor, call_taker):
    draft = services.policy_version_draft(actor=supervisor, policy_id=policy.policy_id)
    ScreeningQuestion.objects.filter(version=draft, key="crime_in_progress").update(critical=True)
    services.policy_version_publish(actor=supervisor, version_id=draft.pk)
    with pytest.raises(ApplicationError) as refused:
        services.call_screen(actor=call_taker, answers=ALL_NO, **call())
    assert refused.value.extra["unanswered"] == ["crime_in_progress"]


@pytest.mark.django_db
def test_the_api_shows_the_state_and_refuses_a_silent_screen_in(policy, api, call_taker):
    api.login_as(call_taker)
    dry = api.post("/api/v1/intake/screen/", {**call(), "answers": {}, "dry_run": True}, format="json").json()
    assert dry["state"] == "not_yet_safe" and dry["safe_to_decide"] is False
    refused = api.post("/api/v1/intake/screen/", {**call(), "answers": {}}, format="json")
    assert refused.status_code == 400
    assert set(refused.json()["unanswered"]) == set(ALL_NO)
    assert not ScreeningDecision.objects.exists()


@pytest.fixture
def signed_in(client, call_taker):
    assert client.login(username=call_taker.username, password=PASSWORD)
    return client


@pytest.mark.django_db
def test_the_page_has_no_default_answer_and_marks_each_unanswered_question(policy, signed_in):
    html = signed_in.get(URL).content.decode()
    assert "checked" not in html  # no radio is pre-selected
    page = signed_in.post(URL, {**call(), "action": "decide"})
    assert page.status_code == 400
    html = page.content.decode()
    assert "Not yet safe to decide" in html
    assert 'id="id_q_weapon_involved" aria-invalid="true" aria-describedby="err_q_weapon_involved"' in html
    assert 'id="err_q_weapon_involved"' in html and 'id="err_q_medical_emergency"' in html
    assert 'id="err_q_crime_in_progress"' not in html  # not a safety question: unknown is allowed
    assert 'data-first-error="q_weapon_involved"' in html
    assert not ScreeningDecision.objects.exists()
    checked = signed_in.post(URL, {**call(), "action": "check"}).content.decode()
    assert 'class="notice result result-not_yet_safe"' in checked and "result-alternative" not in checked


@pytest.mark.django_db
def test_a_bad_callback_is_named_next_to_its_field(policy, signed_in):
    answers = {f"q_{k}": v for k, v in ALL_NO.items()}
    page = signed_in.post(URL, {**call(), **answers, "callback": "not a phone", "action": "decide"})
    assert page.status_code == 400
    html = page.content.decode()
    assert 'aria-invalid="true" aria-describedby="err_callback"' in html
    assert "is not a phone number" in html and 'data-first-error="callback"' in html


@pytest.mark.django_db
def test_a_call_taker_completes_a_held_eido_call_on_the_page(
    policy, signed_in, center_client, call_taker, dispatcher, team
):
    body = center_client.post("/api/v1/intake/eido/", json.dumps(eido()), content_type="application/json").json()
    held = Incident.objects.get(pk=body["incident"])
    listed = signed_in.get(URL).content.decode()
    assert f"?incident={held.pk}" in listed and held.reference in listed
    page = signed_in.get(body["complete_at"]).content.decode()
    assert "123 N Main St, Riverton, CO 80010" in page and "(303) 555-0100" in page
    answers = {f"q_{k}": v for k, v in ALL_NO.items()}
    form = {
        **call(location_text="123 N Main St, Riverton, CO 80010"),
        **answers,
        "callback": "(303) 555-0100",
        "caller_language": "es",
        "incident": held.pk,
        "action": "decide",
    }
    assert signed_in.post(URL, form).status_code == 302
    held.refresh_from_db()
    assert SCREENING_HOLD not in held.safety_flags and held.caller_language == "es"
    decision = ScreeningDecision.objects.get()
    assert decision.incident == held and EidoDocument.objects.get().decision == decision
    assert Incident.objects.count() == 1
    assert incident_assign(actor=dispatcher, incident_id=held.pk, team_id=team.pk).team == team


@pytest.mark.django_db
def test_a_held_call_screened_out_is_cancelled_and_handed_back(policy, signed_in, center_client):
    body = center_client.post("/api/v1/intake/eido/", json.dumps(eido()), content_type="application/json").json()
    answers = {f"q_{k}": v for k, v in ALL_NO.items()} | {"q_weapon_involved": "yes"}
    form = {**call(), **answers, "incident": body["incident"], "action": "decide"}
    assert signed_in.post(URL, form).status_code == 302
    held = Incident.objects.get()
    assert held.status == "cancelled" and held.cancel_reason.startswith("Screened out")
    handback = held.handbacks.get()
    assert handback.document["$id"] == eido()["$id"]
    with pytest.raises(ApplicationError):
        services.call_screen(actor=held.created_by, answers=ALL_NO, held_incident_id=held.pk, **call())


@pytest.mark.browser
def test_errors_are_announced_next_to_each_field_and_the_first_has_the_focus(policy, call_taker, browser_login):
    page = browser_login(call_taker, path=URL, viewport={"width": 1440, "height": 900})
    page.wait_for_selector("#id_call_type")
    box = page.locator("#btn-decide").bounding_box()
    assert box is not None and box["y"] + box["height"] <= 900  # the primary action without scrolling
    assert page.evaluate("window.scrollY") == 0
    page.select_option("#id_call_type", "welfare_check")
    page.fill("#id_location_text", "Riverside Park")
    page.fill("#id_callback", "not a phone")
    page.click("#btn-decide")
    page.wait_for_selector("#screen-errors")
    assert page.evaluate("document.activeElement.id") == "id_callback"
    assert page.get_attribute("#id_callback", "aria-invalid") == "true"
    described = page.get_attribute("#id_callback", "aria-describedby")
    assert "not a phone number" in page.inner_text(f"#{described}")
    page.fill("#id_callback", "303-555-0100")
    page.click("#btn-decide")
    page.wait_for_selector("#screen-errors")
    assert page.evaluate("document.activeElement.name") == "q_weapon_involved"
    assert page.get_attribute("#id_q_weapon_involved", "aria-invalid") == "true"
    assert "needs yes or no" in page.inner_text("#err_q_weapon_involved")
    box = page.locator("#btn-decide").bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 900
    page.click("#btn-check")
    page.wait_for_selector("#evaluation")
    assert page.get_attribute("#evaluation", "data-state") == "not_yet_safe"
    assert "Not yet safe to decide" in page.inner_text("#evaluation-type")
    assert not ScreeningDecision.objects.exists()
