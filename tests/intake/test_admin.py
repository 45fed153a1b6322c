"""The supervisor admin for intake: centers, keys shown once, drafts, publishing, the report."""

import pytest
from django.contrib.messages import get_messages

from apps.intake.models import ApiKey, CallCenter, PolicyVersion
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, supervisor):
    assert client.login(username=supervisor.username, password=PASSWORD)
    return client


def test_adding_a_call_center_gives_it_a_service_user(admin_client):
    response = admin_client.post(
        "/admin/intake/callcenter/add/",
        {
            "name": "Valley 211",
            "kind": "211",
            "contact": "",
            "active": "on",
            "api_keys-TOTAL_FORMS": "0",
            "api_keys-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content
    center = CallCenter.objects.get(name="Valley 211")
    assert center.service_user.role == "call_taker"


def test_a_key_issued_in_the_admin_is_shown_once_and_stored_hashed(admin_client, center_key):
    center, _ = center_key
    response = admin_client.post(
        "/admin/intake/callcenter/", {"action": "issue_key", "_selected_action": [center.pk]}, follow=True
    )
    texts = [str(m) for m in get_messages(response.wsgi_request)] + [response.content.decode()]
    shown = next(t for t in texts if "not shown again" in t)
    raw = shown.split(": ")[-1].split("<")[0].strip()
    newest = ApiKey.objects.filter(call_center=center).order_by("-created_at").first()
    assert newest.prefix in raw and raw not in newest.hashed_secret


def test_revoking_a_key_in_the_admin(admin_client, center_key):
    from apps.intake.services import api_key_authenticate

    key = center_key[0].api_keys.get()
    admin_client.post("/admin/intake/apikey/", {"action": "revoke", "_selected_action": [key.pk]})
    assert api_key_authenticate(center_key[1]) is None


def test_a_draft_is_edited_and_published_and_then_read_only(admin_client, policy):
    admin_client.post(
        "/admin/intake/policy/", {"action": "new_draft", "_selected_action": [policy.policy_id]}, follow=True
    )
    draft = PolicyVersion.objects.get(policy=policy.policy, number=2)
    page = admin_client.get(f"/admin/intake/policyversion/{draft.pk}/change/")
    assert page.status_code == 200 and "call_types-0-nature_codes" in page.content.decode()
    admin_client.post("/admin/intake/policyversion/", {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_published
    page = admin_client.get(f"/admin/intake/policyversion/{draft.pk}/change/")
    assert "call_types-0-nature_codes" not in page.content.decode()


def test_the_quality_report_page_opens(admin_client, policy):
    page = admin_client.get("/admin/intake/policy/quality-report/")
    assert page.status_code == 200 and "Policy quality report" in page.content.decode()
    assert "quality-report" in admin_client.get("/admin/intake/policy/").content.decode()


def test_every_intake_admin_page_opens_and_reading_a_decision_is_audited(admin_client, policy, call_taker):
    from apps.audit.models import AuditEntry
    from apps.intake.services import call_screen

    decision = call_screen(
        actor=call_taker, answers={"weapon_involved": "yes"}, call_type="welfare_check", location_text="x", summary="y"
    )
    for name in [
        "callcenter",
        "apikey",
        "policy",
        "policyversion",
        "screeningdecision",
        "handback",
        "unmetneed",
        "duplicateflag",
        "eidodocument",
        "open311request",
    ]:
        assert admin_client.get(f"/admin/intake/{name}/").status_code == 200, name
    assert admin_client.get("/admin/intake/policyversion/add/").status_code == 200
    assert admin_client.get(f"/admin/intake/screeningdecision/{decision.pk}/change/").status_code == 200
    assert AuditEntry.objects.filter(action="intake.screeningdecision.view", object_id=str(decision.pk)).exists()


def test_adding_a_version_in_the_admin_copies_the_latest_as_a_draft(admin_client, policy):
    formsets = {}
    for prefix in ["call_types", "questions", "targets"]:
        formsets[f"{prefix}-TOTAL_FORMS"] = "0"
        formsets[f"{prefix}-INITIAL_FORMS"] = "0"
    response = admin_client.post(
        "/admin/intake/policyversion/add/",
        {"policy": policy.policy_id, "notes": "Tighter weapons rule", "unanswered_critical": "hold", **formsets},
    )
    assert response.status_code == 302, response.content[:2000]
    draft = PolicyVersion.objects.get(policy=policy.policy, number=2)
    assert draft.notes == "Tighter weapons rule" and not draft.is_published
    assert draft.questions.count() == policy.questions.count()
    assert draft.call_types.count() == policy.call_types.count()
