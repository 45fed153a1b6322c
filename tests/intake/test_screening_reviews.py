"""Supervisors' reviews of screened-out calls (issue 15, item 1): the service, the admin pages and
the insights measures they feed, from known data."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test import Client

from apps.audit.models import AuditEntry
from apps.common.days import local_day
from apps.common.errors import ApplicationError, PermissionRefused
from apps.insights.selectors import measure_values
from apps.intake import services
from apps.intake.models import ResponseType, ScreeningReview
from tests.insights.test_pages import table_of
from tests.intake.test_policy import NO, screen

pytestmark = pytest.mark.django_db


def screened_out(actor):
    decision = screen(actor, answers={**NO, "weapon_involved": "yes"})
    assert decision.response_type == ResponseType.NOT_ELIGIBLE
    return decision


def test_a_supervisor_reviews_a_screened_out_call_and_a_new_answer_replaces_the_old(policy, call_taker, supervisor):
    decision = screened_out(call_taker)
    services.screening_review(actor=supervisor, decision_id=decision.pk, could_have_served="unsure")
    review = services.screening_review(
        actor=supervisor, decision_id=decision.pk, could_have_served="yes", note="Calm by the call back."
    )
    assert ScreeningReview.objects.get().could_have_served == "yes"
    assert review.reviewed_by == supervisor
    rows = AuditEntry.objects.filter(action="intake.screening_review").order_by("id")
    assert [(r.detail["could_have_served"], r.detail["previous"]) for r in rows] == [("unsure", ""), ("yes", "unsure")]
    assert "Calm" not in str(rows.last().detail)
    with connection.cursor() as cursor:  # the note is encrypted at rest
        cursor.execute("SELECT note FROM intake_screeningreview")
        assert "Calm" not in cursor.fetchone()[0]
    assert ScreeningReview.objects.get().note == "Calm by the call back."


def test_only_a_supervisor_reviews_and_only_a_screened_out_call(policy, call_taker, dispatcher, analyst, supervisor):
    decision = screened_out(call_taker)
    for someone in (dispatcher, analyst, call_taker):
        with pytest.raises(PermissionRefused):
            services.screening_review(actor=someone, decision_id=decision.pk, could_have_served="yes")
    screened_in = screen(call_taker)
    with pytest.raises(ApplicationError):
        services.screening_review(actor=supervisor, decision_id=screened_in.pk, could_have_served="yes")
    with pytest.raises(ApplicationError) as refused:
        services.screening_review(actor=supervisor, decision_id=decision.pk, could_have_served="maybe")
    assert "could_have_served" in refused.value.extra
    assert not ScreeningReview.objects.exists()
    assert not AuditEntry.objects.filter(action="intake.screening_review").exists()


def test_the_measures_count_reviews_of_the_calls_screened_out_in_the_period(policy, call_taker, supervisor):
    answers = ["yes", "no", "no", "unsure", None]  # four reviewed, one of them yes; one not reviewed
    for answer in answers:
        decision = screened_out(call_taker)
        if answer:
            services.screening_review(actor=supervisor, decision_id=decision.pk, could_have_served=answer)
    screen(call_taker)  # screened in: not counted
    day = local_day(datetime.now().astimezone())
    assert measure_values("screened_out_reviewed", start=day, end=day)[0]["value"] == 4
    assert measure_values("screened_out_could_have_served", start=day, end=day)[0]["value"] == 1
    share = measure_values("screened_out_could_have_served_share", start=day, end=day)[0]
    assert (share["value"], share["count"]) == (25.0, 4)
    by_version = measure_values("screened_out_could_have_served_share", start=day, end=day, by="policy_version")
    assert [(r["group"], r["value"]) for r in by_version] == [(f"{policy.policy.name} v{policy.number}", 25.0)]
    earlier = day - timedelta(days=40)
    assert measure_values("screened_out_reviewed", start=earlier, end=day - timedelta(days=1))[0]["value"] == 0
    by_month = measure_values("screened_out_could_have_served", start=earlier, end=day, by="month")
    assert [r["value"] for r in by_month][-1] == 1 and sum(r["value"] for r in by_month) == 1


def test_the_admin_lists_screened_out_calls_and_a_supervisor_reviews_one(policy, call_taker, supervisor, dispatcher):
    decision = screened_out(call_taker)
    client = Client()
    client.force_login(supervisor)
    listing = client.get("/admin/intake/screenedoutcall/")
    assert listing.status_code == 200
    assert f"/admin/intake/screeningreview/add/?decision={decision.pk}" in listing.content.decode()
    assert client.get(f"/admin/intake/screeningreview/add/?decision={decision.pk}").status_code == 200
    posted = client.post(
        "/admin/intake/screeningreview/add/",
        {"decision": decision.pk, "could_have_served": "yes", "note": "A team was free."},
    )
    assert posted.status_code == 302
    review = ScreeningReview.objects.get()
    assert (review.could_have_served, review.reviewed_by) == ("yes", supervisor)
    assert client.get(f"/admin/intake/screeningreview/{review.pk}/change/").status_code == 200
    assert "/change/" in client.get("/admin/intake/screenedoutcall/?reviewed=yes").content.decode()
    other = Client()
    other.force_login(dispatcher)
    assert other.get("/admin/intake/screenedoutcall/").status_code in (302, 403)
    refused = other.post(
        "/admin/intake/screeningreview/add/", {"decision": decision.pk, "could_have_served": "no", "note": ""}
    )
    assert refused.status_code in (302, 403)
    assert ScreeningReview.objects.get().could_have_served == "yes"


def test_the_insights_pages_show_the_share_by_policy_version_and_call_type(policy, call_taker, supervisor):
    for answer in ("yes", "no"):
        decision = screened_out(call_taker)
        services.screening_review(actor=supervisor, decision_id=decision.pk, could_have_served=answer)
    day = local_day(datetime.now().astimezone()).isoformat()
    client = Client()
    client.force_login(supervisor)
    version = f"{policy.policy.name} v{policy.number}"
    for by, first in (("policy_version", version), ("call_type", "Welfare check")):
        page = client.get(f"/insights/measures/screened_out_could_have_served_share/?start={day}&end={day}&by={by}")
        rows = table_of(page, "measure-table").rows
        assert rows[1][:2] == [first, "50"], by
    assert client.get(f"/insights/?start={day}&end={day}").status_code == 200
