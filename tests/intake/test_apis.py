"""Intake's JSON doors for consoles: screening, the policy, duplicates, the quality report."""

import pytest

from apps.intake.models import DuplicateFlag, ScreeningDecision

pytestmark = pytest.mark.django_db


def screen_body(**extra):
    body = {
        "call_type": "welfare_check",
        "answers": {
            "weapon_involved": "no",
            "violence_or_threats": "no",
            "medical_emergency": "no",
            "suicide_attempt_with_means": "no",
        },
        "location_text": "Riverside Park",
    }
    body.update(extra)
    return body


def test_a_dry_run_answers_what_the_policy_says_without_writing(policy, api, call_taker):
    api.login_as(call_taker)
    response = api.post(
        "/api/v1/intake/screen/", screen_body(dry_run=True, answers={"violence_or_threats": "yes"}), format="json"
    )
    assert response.status_code == 200
    assert response.json()["response_type"] == "co_response_police" and response.json()["priority"] == 1
    assert not ScreeningDecision.objects.exists()


def test_screening_over_the_api_records_the_decision(policy, api, call_taker):
    api.login_as(call_taker)
    response = api.post("/api/v1/intake/screen/", screen_body(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["response_type"] == "alternative" and body["incident"] and body["decided_by"] == call_taker.username
    bad = api.post("/api/v1/intake/screen/", screen_body(answers={"nope": "yes"}), format="json")
    assert bad.status_code == 400 and "answers" in bad.json()


def test_the_policy_in_force_is_readable(policy, api, call_taker):
    api.login_as(call_taker)
    body = api.get("/api/v1/intake/policy/").json()["policy"]
    assert body["number"] == policy.number
    assert body["targets"]["1"] == 10
    assert "weapon_involved" in [q["key"] for q in body["questions"]]


def test_a_dispatcher_lists_and_links_duplicates(policy, api, call_taker, dispatcher):
    api.login_as(call_taker)
    api.post("/api/v1/intake/screen/", screen_body(latitude=39.74, longitude=-104.99), format="json")
    api.post("/api/v1/intake/screen/", screen_body(latitude=39.7401, longitude=-104.99), format="json")
    assert api.get("/api/v1/intake/duplicates/").status_code == 403
    api.login_as(dispatcher)
    flags = api.get("/api/v1/intake/duplicates/").json()["results"]
    assert len(flags) == 1
    linked = api.post(f"/api/v1/intake/duplicates/{flags[0]['id']}/link/", {}, format="json")
    assert linked.status_code == 200 and linked.json()["status"] == "linked"
    again = api.post(f"/api/v1/intake/duplicates/{flags[0]['id']}/dismiss/", {}, format="json")
    assert again.status_code == 400
    assert DuplicateFlag.objects.get().status == "linked"


def test_the_quality_report_is_for_supervisors(policy, api, call_taker, supervisor):
    api.login_as(call_taker)
    api.post("/api/v1/intake/screen/", screen_body(answers={"weapon_involved": "yes"}), format="json")
    assert api.get("/api/v1/intake/policy-report/").status_code == 403
    api.login_as(supervisor)
    rows = api.get("/api/v1/intake/policy-report/").json()["results"]
    assert rows[0]["not_eligible"] == 1 and rows[0]["policy_version"] == policy.number


def test_board_targets_follow_the_published_policy(policy):
    from apps.intake.selectors import current_response_targets

    assert current_response_targets() == {1: 10, 2: 20, 3: 45, 4: 120}
