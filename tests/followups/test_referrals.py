"""Referrals: consent is data and is enforced; every step is stamped; partners see only their own."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.common.errors import ApplicationError, NotFound, PermissionRefused
from apps.followups import selectors, services, sweeps
from apps.followups.models import FollowUp, Referral, ReferralStatusChange
from apps.streams.models import Event
from tests.factories import PASSWORD, OrganizationFactory, ServiceFactory
from tests.followups.conftest import FULL_CONSENT, names_the_person

pytestmark = pytest.mark.django_db


def make_referral(responder, encounter_version, service, consent=None, **extra):
    return services.referral_create(
        actor=responder,
        encounter_id=encounter_version.encounter_id,
        service_id=service.pk,
        consent=FULL_CONSENT if consent is None else consent,
        need="shelter",
        notes="Prefers a women's dorm",
        **extra,
    )


def test_a_referral_with_covering_consent_is_sent_and_stamped(responder, team, encounter_version, shelter_service):
    referral = make_referral(responder, encounter_version, shelter_service)
    assert referral.status == "sent"
    steps = list(ReferralStatusChange.objects.filter(referral=referral).values_list("from_status", "to_status"))
    assert steps == [("", "draft"), ("draft", "sent")]
    kinds = list(Event.objects.filter(stream=f"team:{team.pk}", kind="referral.updated").values_list("data", flat=True))
    assert [d["status"] for d in kinds] == ["draft", "sent"]


@pytest.mark.parametrize(
    ("consent", "problem"),
    [
        ({**FULL_CONSENT, "scope": []}, "does not allow anything"),
        ({**FULL_CONSENT, "expires_at": "2020-01-01T00:00:00Z"}, "expired"),
        ({**FULL_CONSENT, "substance_use_records": True, "given_by": "verbal"}, "written consent"),
        ({**FULL_CONSENT, "substance_use_records": True, "given_by": "written"}, "end date"),
    ],
)
def test_a_referral_without_covering_consent_cannot_be_sent(
    responder, encounter_version, shelter_service, consent, problem
):
    referral = make_referral(responder, encounter_version, shelter_service, consent=consent)
    assert referral.status == "draft"
    with pytest.raises(ApplicationError) as refused:
        services.referral_transition(actor=responder, referral_id=referral.pk, status="sent")
    assert any(problem in p for p in refused.value.extra["consent"])
    referral.refresh_from_db()
    assert referral.status == "draft"


def test_written_consent_with_an_end_date_covers_substance_use_records(responder, encounter_version, shelter_service):
    consent = {
        **FULL_CONSENT,
        "substance_use_records": True,
        "given_by": "written",
        "purpose": "Arrange a bed and follow-up care",
        "recipient_name": "Riverton Shelter, Emergency beds",
        "expires_at": (timezone.now() + timedelta(days=90)).isoformat(),
    }
    assert make_referral(responder, encounter_version, shelter_service, consent=consent).status == "sent"


def test_a_malformed_consent_is_a_field_error(api, responder, encounter_version, shelter_service):
    api.login_as(responder)
    body = {
        "encounter": str(encounter_version.encounter_id),
        "service": str(shelter_service.pk),
        "consent": {"scope": ["ssn"], "recipients": "anyone"},
    }
    response = api.post("/api/v1/referrals/", body, format="json")
    assert response.status_code == 400 and "consent" in response.json()


def test_the_partner_sees_only_consented_fields_and_nothing_after_revocation(
    client, responder, encounter_version, shelter_service, shelter_partner
):
    consent = {**FULL_CONSENT, "scope": ["need", "age_range"]}
    referral = make_referral(responder, encounter_version, shelter_service, consent=consent)
    shown = selectors.referral_disclosure(referral, recipient=shelter_partner)
    assert shown["shared"] == {"need": "shelter", "age_range": "30-39"}
    client.login(username=shelter_partner.username, password=PASSWORD)
    page = client.get(f"/partners/referrals/{referral.pk}/").content.decode()
    assert "30-39" in page and not names_the_person(page) and "women" not in page

    services.consent_revoke(actor=responder, referral_id=referral.pk, reason="Changed their mind")
    referral = Referral.objects.select_related("consent", "service__organization", "encounter").get(pk=referral.pk)
    assert selectors.referral_disclosure(referral, recipient=shelter_partner)["shared"] == {}
    page = client.get(f"/partners/referrals/{referral.pk}/").content.decode()
    assert "30-39" not in page and "withdrew consent" in page
    api_view = client.get(f"/api/v1/referrals/{referral.pk}/").json()
    assert api_view["shared"] == {} and api_view["consent"]["revoked"] is True


def test_the_full_loop_through_the_api(api, responder, team, encounter_version, shelter_service, shelter_partner):
    api.login_as(responder)
    body = {
        "encounter": str(encounter_version.encounter_id),
        "service": str(shelter_service.pk),
        "consent": FULL_CONSENT,
        "need": "shelter",
    }
    created = api.post("/api/v1/referrals/", body, format="json")
    assert created.status_code == 201 and created.json()["status"] == "sent"
    rid = created.json()["id"]

    partner = type(api)(enforce_csrf_checks=True)
    partner.login_as(shelter_partner)
    assert (
        partner.post(f"/api/v1/referrals/{rid}/transition/", {"status": "declined"}, format="json").status_code == 400
    )
    for status, reason in (("accepted", ""), ("in_progress", ""), ("not_delivered", "no_capacity"), ("closed", "")):
        answer = partner.post(
            f"/api/v1/referrals/{rid}/transition/", {"status": status, "reason": reason}, format="json"
        )
        assert answer.status_code == 200, answer.content
    bad = partner.post(f"/api/v1/referrals/{rid}/transition/", {"status": "sent"}, format="json")
    assert bad.status_code in (400, 403)

    loop = api.get(f"/api/v1/encounters/{encounter_version.encounter_id}/referrals/").json()
    (referral,) = loop["referrals"]
    steps = [(h["to"], h["actor_role"], h["reason"]) for h in referral["history"]]
    assert steps == [
        ("draft", "responder", ""),
        ("sent", "responder", ""),
        ("accepted", "partner", ""),
        ("in_progress", "partner", ""),
        ("not_delivered", "partner", "no_capacity"),
        ("closed", "partner", ""),
    ]
    assert all(h["at"] for h in referral["history"])
    statuses = [e.data["status"] for e in Event.objects.filter(stream=f"team:{team.pk}", kind="referral.updated")]
    assert statuses == ["draft", "sent", "accepted", "in_progress", "not_delivered", "closed"]


def test_not_delivered_needs_one_of_the_known_reasons(responder, encounter_version, shelter_service, shelter_partner):
    referral = make_referral(responder, encounter_version, shelter_service)
    services.referral_transition(actor=shelter_partner, referral_id=referral.pk, status="accepted")
    with pytest.raises(ApplicationError):
        services.referral_transition(
            actor=shelter_partner, referral_id=referral.pk, status="not_delivered", reason="meh"
        )


def test_a_partner_cannot_send_and_the_program_cannot_accept(
    responder, encounter_version, shelter_service, shelter_partner
):
    referral = make_referral(responder, encounter_version, shelter_service)
    with pytest.raises(PermissionRefused):
        services.referral_transition(actor=responder, referral_id=referral.pk, status="accepted")
    services.referral_transition(actor=responder, referral_id=referral.pk, status="cancelled", reason="Found a bed")
    with pytest.raises(PermissionRefused):
        services.referral_transition(actor=shelter_partner, referral_id=referral.pk, status="cancelled")


def test_the_partner_inbox_shows_only_that_partners_referrals(
    client, responder, encounter_version, shelter_service, shelter_partner
):
    mine = make_referral(responder, encounter_version, shelter_service)
    other_service = ServiceFactory(name="Detox intake", organization=OrganizationFactory(name="Other Org"))
    theirs = make_referral(responder, encounter_version, other_service)
    draft = make_referral(responder, encounter_version, shelter_service, send=False)
    client.login(username=shelter_partner.username, password=PASSWORD)
    inbox = client.get("/partners/")
    assert inbox.status_code == 200
    text = inbox.content.decode()
    assert str(mine.pk) in text and str(theirs.pk) not in text and str(draft.pk) not in text
    assert client.get(f"/partners/referrals/{theirs.pk}/").status_code == 404
    assert client.get(f"/partners/referrals/{draft.pk}/").status_code == 404
    assert client.get(f"/api/v1/referrals/{theirs.pk}/").status_code == 404
    forged = client.post(f"/partners/referrals/{theirs.pk}/transition/", {"status": "accepted"})
    assert forged.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "sent"
    with pytest.raises(NotFound):
        services.referral_transition(actor=shelter_partner, referral_id=theirs.pk, status="accepted")


def test_a_partner_accepts_through_the_inbox_form(
    client, responder, encounter_version, shelter_service, shelter_partner
):
    referral = make_referral(responder, encounter_version, shelter_service)
    client.login(username=shelter_partner.username, password=PASSWORD)
    answer = client.post(f"/partners/referrals/{referral.pk}/transition/", {"status": "accepted"})
    assert answer.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "accepted"
    page = client.get(answer["Location"]).content.decode()
    assert "Saved" in page and 'data-action="in_progress"' in page
    refused = client.post(f"/partners/referrals/{referral.pk}/transition/", {"status": "not_delivered", "reason": ""})
    assert refused.status_code == 302
    assert (
        "Choose why" in client.get(refused["Location"]).content.decode()
        or "reason" in client.get(refused["Location"]).content.decode()
    )


def test_other_roles_are_kept_out_of_the_partner_inbox(client, responder):
    client.login(username=responder.username, password=PASSWORD)
    assert client.get("/partners/").status_code == 403


def test_a_stalled_referral_raises_a_reminder_to_the_referring_team(
    default_rules, responder, team, encounter_version, shelter_service
):
    referral = make_referral(responder, encounter_version, shelter_service)
    Referral.objects.filter(pk=referral.pk).update(status_changed_at=timezone.now() - timedelta(hours=49))
    assert sweeps.referrals_sweep_stalled() == 1
    assert sweeps.referrals_sweep_stalled() == 0
    f = FollowUp.objects.get(kind="referral_check")
    assert f.team_id == team.pk and f.referral_id == referral.pk
    sweeps.followups_deliver_due()
    assert Event.objects.filter(stream=f"team:{team.pk}", kind="followup.due", data__followup=str(f.pk)).count() == 1


def test_replaying_a_referral_id_returns_the_first(responder, encounter_version, shelter_service):
    import uuid

    rid = uuid.uuid4()
    first = make_referral(responder, encounter_version, shelter_service, referral_id=rid)
    again = make_referral(responder, encounter_version, shelter_service, referral_id=rid)
    assert first.pk == again.pk and Referral.objects.count() == 1


def test_another_team_cannot_refer_from_an_encounter_it_cannot_see(other_responder, encounter_version, shelter_service):
    with pytest.raises(NotFound):
        make_referral(other_responder, encounter_version, shelter_service)


def test_through_the_api_an_uncovered_referral_stays_a_draft_and_sending_it_is_refused(
    api, responder, encounter_version, shelter_service
):
    api.login_as(responder)
    body = {
        "encounter": str(encounter_version.encounter_id),
        "service": str(shelter_service.pk),
        "consent": {**FULL_CONSENT, "substance_use_records": True},
    }
    created = api.post("/api/v1/referrals/", body, format="json")
    assert created.status_code == 201
    assert created.json()["status"] == "draft" and created.json()["consent_problems"]
    rid = created.json()["id"]
    refused = api.post(f"/api/v1/referrals/{rid}/transition/", {"status": "sent"}, format="json")
    assert refused.status_code == 400 and "consent" in refused.json()


def test_listing_referrals_takes_the_same_number_of_queries_for_many(
    api, responder, encounter_version, shelter_service, django_assert_max_num_queries
):
    for _ in range(2):
        make_referral(responder, encounter_version, shelter_service)
    api.login_as(responder)
    with django_assert_max_num_queries(12) as few:
        api.get("/api/v1/referrals/")
    for _ in range(8):
        make_referral(responder, encounter_version, shelter_service)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get("/api/v1/referrals/").json()["results"]) == 10
