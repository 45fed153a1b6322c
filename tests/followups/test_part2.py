"""42 CFR Part 2 and consent recipients, through the real doors: the referral API, the partner inbox
page, the partner API and the webhook payload.

The attack from the review: a partner received `needs: ["substance_use"]` and the note "on methadone"
under a verbal consent that said `substance_use_records: false`.
"""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.followups import services
from apps.followups.disclosure import REDISCLOSURE_NOTICE
from apps.followups.models import PartnerEndpoint, PartnerServiceStaff, Referral, WebhookDelivery
from apps.followups.webhooks import webhooks_deliver_due
from apps.incidents import services as incident_services
from tests.factories import OrganizationFactory, ServiceFactory, UserFactory
from tests.followups.conftest import document_encounter, names_the_person
from tests.followups.test_webhooks import SECRET, FakePartner, endpoint_for
from tests.resources.builders import make_service

pytestmark = pytest.mark.django_db

VERBAL_NO_SUBSTANCE = {
    "scope": ["need", "needs", "notes", "name"],
    "recipients": "service",
    "expires_at": None,
    "substance_use_records": False,
    "given_by": "verbal",
}


def written_part2_consent(**extra) -> dict:
    return {
        **VERBAL_NO_SUBSTANCE,
        "substance_use_records": True,
        "given_by": "written",
        "purpose": "Arrange withdrawal care and a bed",
        "recipient_name": "Riverton Shelter, Emergency beds",
        "expires_at": (timezone.now() + timedelta(days=60)).isoformat(),
        **extra,
    }


@pytest.fixture
def substance_use_encounter(dispatcher, responder, team):
    return document_encounter(
        dispatcher=dispatcher, responder=responder, team=team, referral_needed=True, needs=["substance_use"]
    )


def _page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code in (200, 404)
    return response.content.decode()


def test_the_reported_disclosure_is_refused_at_every_door(
    api, client, responder, substance_use_encounter, shelter_service, shelter_partner, partner_server
):
    endpoint_for(shelter_service, partner_server.url)
    api.login_as(responder)
    created = api.post(
        "/api/v1/referrals/",
        {
            "encounter": str(substance_use_encounter.encounter_id),
            "service": str(shelter_service.pk),
            "consent": VERBAL_NO_SUBSTANCE,
            "need": "shelter",
            "notes": "on methadone",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    # Kept as a draft (a tablet's referral is never lost), with the reason, and nothing leaves.
    assert body["status"] == "draft"
    assert "the encounter's needs" in body["part2_reasons"] and "the referral's notes" in body["part2_reasons"]
    assert any("written consent" in p for p in body["consent_problems"])
    sending = api.post(f"/api/v1/referrals/{body['id']}/transition/", {"status": "sent"}, format="json")
    assert sending.status_code == 400 and "consent" in sending.json()

    inbox = _page(client, shelter_partner, "/partners/")
    assert body["id"] not in inbox and "methadone" not in inbox
    assert "substance_use" not in _page(client, shelter_partner, f"/partners/referrals/{body['id']}/")
    partner_api = type(api)(enforce_csrf_checks=True)
    partner_api.login_as(shelter_partner)
    assert partner_api.get("/api/v1/referrals/").json()["results"] == []
    assert partner_api.get(f"/api/v1/referrals/{body['id']}/").status_code == 404
    assert webhooks_deliver_due() == 0 and not WebhookDelivery.objects.exists()
    assert partner_server.received == []
    assert not AuditEntry.objects.filter(action="referral.disclose").exists()


def test_the_ticked_box_does_not_decide_a_service_category_or_a_keyword_does(
    responder, encounter_version, shelter_service, settings
):
    """The encounter speaks only of shelter, but the service is a substance-use program, or the
    notes use a word the program configured: Part 2 applies all the same."""
    treatment = make_service("Outpatient treatment", needs=("substance_use",))
    referral = services.referral_create(
        actor=responder,
        encounter_id=encounter_version.encounter_id,
        service_id=treatment.pk,
        consent=VERBAL_NO_SUBSTANCE,
    )
    assert referral.status == "draft"

    settings.FIRSTLINE_PART2_KEYWORDS = ["kratom"]
    flagged = services.referral_create(
        actor=responder,
        encounter_id=encounter_version.encounter_id,
        service_id=shelter_service.pk,
        consent=VERBAL_NO_SUBSTANCE,
        notes="Uses Kratom daily",
    )
    assert flagged.status == "draft"
    plain = services.referral_create(
        actor=responder,
        encounter_id=encounter_version.encounter_id,
        service_id=shelter_service.pk,
        consent=VERBAL_NO_SUBSTANCE,
        notes="on methadone",  # not a keyword any more: the program's list replaced the default
    )
    assert plain.status == "sent"


@pytest.mark.parametrize(
    ("missing", "problem"),
    [
        ({"given_by": "verbal"}, "written consent"),
        ({"purpose": ""}, "purpose"),
        ({"recipient_name": ""}, "name the recipient"),
        ({"expires_at": None}, "end date"),
        ({"substance_use_records": False}, "agree to share it"),
    ],
)
def test_part2_consent_needs_writing_a_purpose_a_named_recipient_and_an_end_date(
    responder, substance_use_encounter, shelter_service, missing, problem
):
    referral = services.referral_create(
        actor=responder,
        encounter_id=substance_use_encounter.encounter_id,
        service_id=shelter_service.pk,
        consent=written_part2_consent(**missing),
    )
    assert referral.status == "draft"
    assert any(problem in p for p in services.referral_consent_problems(referral))


def test_content_that_turns_sensitive_after_sending_stops_the_details_at_every_door(
    api, client, responder, encounter_version, shelter_service, shelter_partner, partner_server
):
    """Sent for a bed under verbal consent; then a responder's note says 'started methadone'. The
    webhook already queued, the inbox and the API now withhold the person's details."""
    endpoint_for(shelter_service, partner_server.url)
    referral = services.referral_create(
        actor=responder,
        encounter_id=encounter_version.encounter_id,
        service_id=shelter_service.pk,
        consent=VERBAL_NO_SUBSTANCE,
        need="shelter",
    )
    assert referral.status == "sent"
    incident_services.encounter_add_note(
        actor=responder, encounter_id=encounter_version.encounter_id, text="Started methadone last week"
    )
    assert webhooks_deliver_due() == 1
    payload = json.loads(partner_server.received[0]["body"])["referral"]
    assert payload["shared"] == {} and payload["substance_use_protected"] is True
    assert payload["notice"] == REDISCLOSURE_NOTICE

    page = _page(client, shelter_partner, f"/partners/referrals/{referral.pk}/")
    assert not names_the_person(page) and "42 CFR Part 2" in page
    partner_api = type(api)(enforce_csrf_checks=True)
    partner_api.login_as(shelter_partner)
    detail = partner_api.get(f"/api/v1/referrals/{referral.pk}/").json()
    assert detail["shared"] == {} and detail["consent"]["active"] is False


def test_written_part2_consent_discloses_with_the_notice_and_one_audit_row_per_record(
    api, client, responder, substance_use_encounter, shelter_service, shelter_partner, partner_server
):
    endpoint = endpoint_for(shelter_service, partner_server.url)
    referral = services.referral_create(
        actor=responder,
        encounter_id=substance_use_encounter.encounter_id,
        service_id=shelter_service.pk,
        consent=written_part2_consent(),
        need="detox",
        notes="on methadone",
    )
    assert referral.status == "sent"

    assert webhooks_deliver_due() == 1
    sent = json.loads(partner_server.received[0]["body"])["referral"]
    assert sent["notice"] == REDISCLOSURE_NOTICE and sent["substance_use_protected"] is True
    assert sent["shared"]["notes"] == "on methadone" and sent["shared"]["needs"] == ["substance_use"]

    inbox = _page(client, shelter_partner, "/partners/")
    assert "42 CFR Part 2" in inbox and str(referral.pk) in inbox
    page = _page(client, shelter_partner, f"/partners/referrals/{referral.pk}/")
    assert "42 CFR Part 2" in page and "on methadone" in page
    partner_api = type(api)(enforce_csrf_checks=True)
    partner_api.login_as(shelter_partner)
    listing = partner_api.get("/api/v1/referrals/").json()["results"]
    assert [r["notice"] for r in listing] == [REDISCLOSURE_NOTICE]
    detail = partner_api.get(f"/api/v1/referrals/{referral.pk}/").json()
    assert detail["notice"] == REDISCLOSURE_NOTICE

    rows = list(AuditEntry.objects.filter(action="referral.disclose", object_id=str(referral.pk)).order_by("id"))
    assert [r.door for r in rows] == ["task", "page", "page", "api", "api"]
    for row in rows:
        assert row.detail["fields"] == ["name", "need", "needs", "notes"]
        assert row.detail["substance_use_protected"] is True and row.detail["notice"] is True
    assert rows[0].detail["recipient"]["endpoint"] == endpoint.pk and rows[0].actor is None
    assert {r.actor_id for r in rows[1:]} == {shelter_partner.pk}


def test_a_consent_to_one_service_does_not_open_the_record_to_the_whole_organization(
    api, responder, encounter_version, shelter_service, shelter_partner
):
    organization = shelter_service.organization
    desk = UserFactory(role="partner", username="shelter-front-desk", partner_organization=organization)
    other_service = ServiceFactory(name="Day centre", organization=organization)
    day_staff = UserFactory(role="partner", username="day-centre-staff", partner_organization=organization)
    PartnerServiceStaff.objects.create(user=day_staff, service=other_service)
    outsider = UserFactory(role="partner", username="other-org", partner_organization=OrganizationFactory())
    org_endpoint = PartnerEndpoint.objects.create(organization=organization, url="https://example.org/h", secret=SECRET)
    service_endpoint = endpoint_for(shelter_service, "https://example.org/beds")

    from apps.followups.selectors import referral_disclosure

    only_service = services.referral_create(
        actor=responder,
        encounter_id=encounter_version.encounter_id,
        service_id=shelter_service.pk,
        consent={**VERBAL_NO_SUBSTANCE, "scope": ["name"]},
    )
    whole_org = services.referral_create(
        actor=responder,
        encounter_id=encounter_version.encounter_id,
        service_id=shelter_service.pk,
        consent={**VERBAL_NO_SUBSTANCE, "scope": ["name"], "recipients": "organization"},
    )

    def shared_with(user, referral_id):
        client = type(api)(enforce_csrf_checks=True)
        client.login_as(user)
        response = client.get(f"/api/v1/referrals/{referral_id}/")
        return response.json()["shared"] if response.status_code == 200 else None

    assert shared_with(shelter_partner, only_service.pk) == {"name": "Sam"}
    assert shared_with(desk, only_service.pk) == {}
    assert shared_with(day_staff, only_service.pk) == {}
    assert shared_with(outsider, only_service.pk) is None
    assert shared_with(desk, whole_org.pk) == {"name": "Sam"}
    assert shared_with(day_staff, whole_org.pk) == {"name": "Sam"}

    only_service = Referral.objects.select_related("consent", "service__organization", "encounter").get(
        pk=only_service.pk
    )
    assert referral_disclosure(only_service, recipient=service_endpoint)["shared"] == {"name": "Sam"}
    assert referral_disclosure(only_service, recipient=org_endpoint)["shared"] == {}
    assert referral_disclosure(only_service, recipient=None)["shared"] == {}


@pytest.fixture
def partner_server():
    with FakePartner() as server:
        yield server
