"""Partner feedback on the handoff: when a partner closes a referral it may say whether the
information was enough and whether it came in time (both optional); the supervisor's page reports
it per partner organisation. Through the partner's page and the API."""

import pytest
from django.test import Client

from apps.common.days import program_today
from apps.followups import services
from apps.followups.models import Referral
from apps.followups.selectors import partner_handoff_feedback
from apps.insights.selectors import measure_values
from tests.factories import PASSWORD
from tests.followups.conftest import FULL_CONSENT, document_encounter

pytestmark = pytest.mark.django_db


def sent_referral(dispatcher, responder, team, service):
    version = document_encounter(dispatcher=dispatcher, responder=responder, team=team, referral_needed=True)
    referral = services.referral_create(
        actor=responder, encounter_id=version.encounter_id, service_id=service.pk, consent=FULL_CONSENT, need="shelter"
    )
    return referral


def work_to_delivered(partner, referral):
    for status in ("accepted", "in_progress", "delivered"):
        services.referral_transition(actor=partner, referral_id=referral.pk, status=status)


def test_a_partner_answers_on_its_page_when_closing_and_the_supervisor_sees_it_per_partner(
    dispatcher, responder, team, shelter_service, shelter_partner, supervisor
):
    first = sent_referral(dispatcher, responder, team, shelter_service)
    second = sent_referral(dispatcher, responder, team, shelter_service)
    third = sent_referral(dispatcher, responder, team, shelter_service)
    for referral in (first, second, third):
        work_to_delivered(shelter_partner, referral)
    page = Client()
    page.login(username=shelter_partner.username, password=PASSWORD)
    form = page.get(f"/partners/referrals/{first.pk}/").content.decode()
    assert "Was the information we sent enough to act on?" in form
    url = "/partners/referrals/{}/transition/"
    page.post(url.format(first.pk), {"status": "closed", "handoff_info_enough": "yes", "handoff_timely": "no"})
    page.post(url.format(second.pk), {"status": "closed", "handoff_info_enough": "no"})
    page.post(url.format(third.pk), {"status": "closed"})  # the question is optional
    rows = {r.pk: (r.status, r.handoff_info_enough, r.handoff_timely) for r in Referral.objects.all()}
    assert rows == {
        first.pk: ("closed", True, False),
        second.pk: ("closed", False, None),
        third.pk: ("closed", None, None),
    }
    desk = Client()
    desk.force_login(supervisor)
    report = desk.get("/followups/supervision/").content.decode()
    assert "Riverton Shelter" in report and "50% of 2 answers" in report and "0% of 1 answers" in report


def test_the_api_takes_the_answers_and_only_from_a_partner_closing(
    api, dispatcher, responder, team, shelter_service, shelter_partner
):
    referral = sent_referral(dispatcher, responder, team, shelter_service)
    work_to_delivered(shelter_partner, referral)
    api.login_as(shelter_partner)
    answer = api.post(
        f"/api/v1/referrals/{referral.pk}/transition/",
        {"status": "closed", "handoff_info_enough": True, "handoff_timely": True},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    referral.refresh_from_db()
    assert (referral.handoff_info_enough, referral.handoff_timely) == (True, True)
    bad = api.post(
        f"/api/v1/referrals/{referral.pk}/transition/", {"status": "closed", "handoff_timely": "soon"}, "json"
    )
    assert bad.status_code == 400 and "handoff_timely" in bad.json()
    # The referring program closing a referral is not a partner's word on the handoff.
    other = sent_referral(dispatcher, responder, team, shelter_service)
    services.referral_transition(actor=responder, referral_id=other.pk, status="cancelled", reason="Person moved away")
    services.referral_transition(
        actor=responder, referral_id=other.pk, status="closed", handoff_info_enough=False, handoff_timely=False
    )
    other.refresh_from_db()
    assert (other.handoff_info_enough, other.handoff_timely) == (None, None)
    (row,) = partner_handoff_feedback(
        since=other.created_at.replace(year=2000), until=other.updated_at.replace(year=2100)
    )
    assert (row["closed"], row["info_answers"], row["timely_percent"]) == (2, 1, 100)


def test_the_insights_measures_count_the_answers_per_partner(
    dispatcher, responder, team, shelter_service, shelter_partner
):
    referrals = [sent_referral(dispatcher, responder, team, shelter_service) for _n in range(3)]
    answers = [(True, False), (False, None), (None, None)]
    for referral, (info, timely) in zip(referrals, answers, strict=True):
        work_to_delivered(shelter_partner, referral)
        services.referral_transition(
            actor=shelter_partner,
            referral_id=referral.pk,
            status="closed",
            handoff_info_enough=info,
            handoff_timely=timely,
        )
    today = program_today()
    partner = str(shelter_service.organization_id)

    def rows(key):
        return {r["group"]: (r["value"], r["count"]) for r in measure_values(key, start=today, end=today, by="partner")}

    assert rows("handoff_answers") == {partner: (2, 2)}
    assert rows("handoff_info_enough") == {partner: (50.0, 2)}
    assert rows("handoff_timely") == {partner: (0.0, 1)}
    assert measure_values("handoff_answers", start=today, end=today, by="partner")[0]["label"] == "Riverton Shelter"
