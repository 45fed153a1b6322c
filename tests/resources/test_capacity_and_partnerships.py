"""Capacity updates by partners and supervisors, and the missing-partnerships report."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from apps.accounts.roles import Role
from apps.audit.models import AuditEntry
from apps.common.days import program_today
from apps.followups.models import Referral
from apps.followups.reports import missing_partnerships
from apps.incidents.models import Encounter, EncounterVersion
from apps.resources.models import Organization, ServiceCapacity
from apps.streams.models import Event
from tests.factories import IncidentFactory, UserFactory
from tests.resources.builders import make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelter(partner_user):
    return make_service("Night shelter", organization=partner_user.partner_organization, needs=("shelter",))


def post_capacity(api, service, body):
    return api.post(f"/api/v1/resources/services/{service.pk}/capacity/", body, format="json")


def test_a_partner_updates_the_capacity_of_their_own_service(api, partner_user, shelter):
    api.login_as(partner_user)
    response = post_capacity(api, shelter, {"available": 4, "total": 30, "unit": "beds"})
    assert response.status_code == 200, response.content
    capacity = response.json()["capacity"]
    assert (capacity["available"], capacity["total"], capacity["unit"], capacity["stale"]) == (4, 30, "beds", False)
    stored = ServiceCapacity.objects.get(service=shelter)
    assert stored.updated_by == partner_user and stored.updated_at is not None
    entry = AuditEntry.objects.get(action="resources.capacity.update", outcome="ok")
    assert entry.actor == partner_user and entry.detail["available"] == 4
    assert Event.objects.filter(stream="board", kind="resource.capacity").count() == 1


def test_a_partner_of_another_organization_is_refused(api, shelter):
    stranger = UserFactory(
        role=Role.PARTNER, partner_organization=Organization.objects.create(name="Other", description="x")
    )
    api.login_as(stranger)
    assert post_capacity(api, shelter, {"available": 1}).status_code == 403
    assert not ServiceCapacity.objects.exists()
    assert AuditEntry.objects.filter(action="resources.capacity.update", outcome="denied").exists()


def test_responders_cannot_update_capacity_but_supervisors_can(api, responder, supervisor, shelter):
    api.login_as(responder)
    assert post_capacity(api, shelter, {"available": 1}).status_code == 403
    api.login_as(supervisor)
    assert post_capacity(api, shelter, {"available": 1}).status_code == 200


def test_bad_capacity_input_is_a_400_not_a_500(api, supervisor, shelter):
    api.login_as(supervisor)
    assert "available" in post_capacity(api, shelter, {"available": -1}).json()
    assert post_capacity(api, shelter, {"available": "lots"}).status_code == 400
    assert post_capacity(api, shelter, {"available": 40, "total": 30}).status_code == 400
    missing = api.post(
        "/api/v1/resources/services/00000000-0000-0000-0000-000000000000/capacity/", {"available": 1}, format="json"
    )
    assert missing.status_code == 404


def test_old_capacity_reads_as_stale(api, supervisor, shelter):
    ServiceCapacity.objects.create(service=shelter, available=2, updated_at=timezone.now() - timedelta(days=2))
    api.login_as(supervisor)
    body = api.get(f"/api/v1/resources/services/{shelter.pk}/capacity/").json()
    assert body["capacity"]["stale"] is True


# --- missing partnerships -------------------------------------------------------------------------


def encounter_with_needs(needs, district, author):
    incident = IncidentFactory(district=district)
    encounter = Encounter.objects.create(incident=incident, created_by=author, current_version=1)
    EncounterVersion.objects.create(encounter=encounter, number=1, needs=needs, disposition="resolved_on_scene",
                                    authored_by=author)  # fmt: skip
    return encounter


@pytest.fixture
def program(responder):
    """A formal partner runs a shelter; a detox run by a non-partner; nobody covers food."""
    partner = Organization.objects.create(
        name="Riverton Community Shelter", description="x", partnership_status="formal",
        agreement_start=date(2020, 1, 1),
    )  # fmt: skip
    shelter = make_service("Night shelter", organization=partner, needs=("shelter",))
    detox = make_service("Detox unit", needs=("detox",))
    return {"shelter": shelter, "detox": detox, "author": responder}


def test_needs_without_an_active_partner_are_counted_by_need_and_district(program):
    author = program["author"]
    encounter_with_needs(["shelter", "food"], "Downtown", author)
    encounter_with_needs(["food", "detox"], "Downtown", author)
    encounter_with_needs(["food"], "Eastgate", author)
    today = program_today()
    report = missing_partnerships(start=today - timedelta(days=1), end=today)
    by_key = {(r["need"], r["district"]): r for r in report["rows"]}
    assert by_key[("food", "Downtown")]["encounters"] == 2
    assert by_key[("food", "Eastgate")]["encounters"] == 1
    assert by_key[("detox", "Downtown")]["encounters"] == 1
    assert ("shelter", "Downtown") not in by_key
    assert "food" in report["needs_without_active_partner"]
    assert "shelter" not in report["needs_without_active_partner"]
    assert report["rows"][0]["need"] == "food"


def test_an_expired_agreement_is_not_an_active_partnership(program):
    Organization.objects.filter(name="Riverton Community Shelter").update(agreement_end=date(2021, 1, 1))
    encounter_with_needs(["shelter"], "Downtown", program["author"])
    today = program_today()
    rows = missing_partnerships(start=today, end=today)["rows"]
    assert [(r["need"], r["encounters"]) for r in rows] == [("shelter", 1)]


def test_referrals_declined_for_no_capacity_count_even_with_a_partner(program):
    author = program["author"]
    encounter = encounter_with_needs(["shelter"], "Riverside", author)
    Referral.objects.create(encounter=encounter, service=program["shelter"], need="shelter", created_by=author,
                            status=Referral.Status.DECLINED, status_reason="no_capacity")  # fmt: skip
    Referral.objects.create(encounter=encounter, service=program["shelter"], need="shelter", created_by=author,
                            status=Referral.Status.NOT_DELIVERED, status_reason="not_eligible")  # fmt: skip
    Referral.objects.create(encounter=encounter, service=program["shelter"], need="shelter", created_by=author,
                            status=Referral.Status.DECLINED, status_reason="client_declined")  # fmt: skip
    Referral.objects.create(encounter=encounter, service=program["detox"], need="detox", created_by=author,
                            status=Referral.Status.DELIVERED)  # fmt: skip
    today = program_today()
    by_key = {(r["need"], r["district"]): r for r in missing_partnerships(start=today, end=today)["rows"]}
    shelter = by_key[("shelter", "Riverside")]
    assert (shelter["referrals_no_capacity"], shelter["referrals_not_eligible"], shelter["encounters"]) == (1, 1, 0)
    assert by_key[("detox", "Riverside")]["referrals_no_partner"] == 1


def test_outside_the_period_nothing_counts(program):
    encounter_with_needs(["food"], "Downtown", program["author"])
    long_ago = date(2020, 1, 1)
    assert missing_partnerships(start=long_ago, end=long_ago + timedelta(days=30))["rows"] == []


def test_the_report_endpoint_and_admin_page_are_for_supervisors(api, client, responder, supervisor, program):
    encounter_with_needs(["food"], "Downtown", responder)
    api.login_as(responder)
    assert api.get("/api/v1/resources/partnerships/missing/").status_code == 403
    api.login_as(supervisor)
    body = api.get("/api/v1/resources/partnerships/missing/").json()
    assert body["rows"][0]["need"] == "food"
    assert api.get("/api/v1/resources/partnerships/missing/?start=2026-02-01&end=2026-01-01").status_code == 400
    client.force_login(supervisor)
    index = client.get("/admin/resources/").content.decode()
    assert "/admin/resources/missingpartnershipsreport/" in index
    page = client.get("/admin/resources/missingpartnershipsreport/")
    assert page.status_code == 200
    assert "Food" in page.content.decode()


def test_a_supervisor_records_a_partnership_in_the_admin(client, supervisor):
    organization = Organization.objects.create(name="Eastgate Food Bank", description="x")
    client.force_login(supervisor)
    url = f"/admin/resources/organization/{organization.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Eastgate Food Bank", "description": "x", "partnership_status": "informal",
            "agreement_start": "2026-01-01", "agreement_end": "", "partnership_notes": "Monthly check-in",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    organization.refresh_from_db()
    assert organization.partnership_status == "informal"
    assert AuditEntry.objects.filter(action="resources.partnership.update", actor=supervisor).exists()


def test_a_partner_updates_capacity_on_the_capacity_page(client, partner_user, shelter):
    other = make_service("Someone else's shelter", needs=("shelter",))
    client.force_login(partner_user)
    page = client.get("/resources/capacity/").content.decode()
    assert "Night shelter" in page and "Someone else" not in page and "No count yet" in page
    response = client.post(
        "/resources/capacity/", {"service": shelter.pk, "available": "5", "total": "40", "unit": "beds"}
    )
    assert response.status_code == 302
    page = client.get("/resources/capacity/").content.decode()
    assert "Saved: Night shelter." in page and "current" in page
    assert ServiceCapacity.objects.get(service=shelter).available == 5
    client.post("/resources/capacity/", {"service": other.pk, "available": "1"})
    assert not ServiceCapacity.objects.filter(service=other).exists()
    page = client.post("/resources/capacity/", {"service": shelter.pk, "available": "many"}, follow=True)
    assert "whole number" in page.content.decode()


def test_the_capacity_page_marks_old_counts_and_refuses_responders(client, responder, partner_user, shelter):
    ServiceCapacity.objects.create(service=shelter, available=1, updated_at=timezone.now() - timedelta(days=1))
    client.force_login(partner_user)
    assert "out of date" in client.get("/resources/capacity/").content.decode()
    client.force_login(responder)
    assert client.get("/resources/capacity/").status_code == 403
