"""Admin saves go through the service: a refusal is a form error, nothing is saved and no audit row
is written; an accepted save is written and audited by the service with the door "admin"."""

import pytest
from django.urls import reverse

from apps.audit.models import AuditEntry
from apps.common.errors import ApplicationError
from apps.intake import services as intake_services
from apps.intake.models import CallCenter, PolicyVersion
from apps.resources.models import Organization
from tests.doors import admin_as
from tests.intake.conftest import policy  # noqa: F401 (a published screening policy)

pytestmark = pytest.mark.django_db

# --- a partnership is written only by its service, and the admin refuses before saving ----------


def test_an_agreement_ending_before_it_starts_is_a_form_error_and_nothing_is_saved(supervisor):
    organization = Organization.objects.create(name="Eastgate Food Bank", description="x")
    url = reverse("admin:resources_organization_change", args=[organization.pk])
    form = {"name": "Renamed", "description": "x", "partnership_status": "formal", "partnership_notes": "New"}
    form |= {"agreement_start": "2026-06-01", "agreement_end": "2026-01-01"}
    response = admin_as(supervisor).post(url, form, follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "errorlist" in page
    assert "The agreement cannot end before it starts." in page
    assert "successfully" not in page
    organization.refresh_from_db()
    assert (organization.name, organization.partnership_status, organization.agreement_end) == (
        "Eastgate Food Bank",
        Organization.Partnership.NONE,
        None,
    )
    assert not AuditEntry.objects.filter(action="resources.partnership.update").exists()


def test_a_partnership_saved_in_the_admin_is_written_and_audited_by_the_service(supervisor):
    organization = Organization.objects.create(name="Eastgate Food Bank", description="x")
    url = reverse("admin:resources_organization_change", args=[organization.pk])
    form = {"name": "Eastgate Food Bank", "description": "x", "partnership_status": "formal"}
    form |= {"agreement_start": "2026-01-01", "agreement_end": "2026-12-31", "partnership_notes": "Signed"}
    response = admin_as(supervisor).post(url, form, follow=True)
    assert "successfully" in response.content.decode()
    organization.refresh_from_db()
    assert (organization.partnership_status, str(organization.agreement_end)) == ("formal", "2026-12-31")
    entry = AuditEntry.objects.get(action="resources.partnership.update")
    assert (entry.door, entry.actor, entry.detail["end"]) == ("admin", supervisor, "2026-12-31")


# --- intake's admin pages write through the intake services, audited, and refuse cleanly ---------


def test_a_call_center_changed_in_the_admin_is_written_and_audited_by_the_service(supervisor):
    center = intake_services.call_center_create(actor=supervisor, name="Valley 211", kind="211")
    client = admin_as(supervisor)
    url = reverse("admin:intake_callcenter_change", args=[center.pk])
    form = {"kind": "211", "contact": "ops@valley.example", "api_keys-TOTAL_FORMS": "0", "api_keys-INITIAL_FORMS": "0"}
    assert "successfully" in client.post(url, form, follow=True).content.decode()
    center.refresh_from_db()
    assert (center.contact, center.active) == ("ops@valley.example", False)
    entry = AuditEntry.objects.get(action="intake.call_center.update")
    assert (entry.door, entry.detail["fields"]) == ("admin", ["active", "contact"])
    form = {"name": "Valley 211", "kind": "211", "api_keys-TOTAL_FORMS": "0", "api_keys-INITIAL_FORMS": "0"}
    page = client.post(reverse("admin:intake_callcenter_add"), form, follow=True).content.decode()
    assert "Valley 211" in page and "successfully" not in page
    assert CallCenter.objects.count() == 1


def test_a_drafts_notes_saved_in_the_admin_are_audited_and_a_published_version_refuses(supervisor, policy):
    draft = intake_services.policy_version_draft(actor=supervisor, policy_id=policy.policy_id)
    formsets = {
        f"{prefix}-{n}": "0"
        for prefix in ("call_types", "questions", "targets")
        for n in ("TOTAL_FORMS", "INITIAL_FORMS")
    }
    url = reverse("admin:intake_policyversion_change", args=[draft.pk])
    form = {"notes": "Tighter weapons rule", "unanswered_critical": "hold", **formsets}
    assert "successfully" in admin_as(supervisor).post(url, form, follow=True).content.decode()
    draft.refresh_from_db()
    assert draft.notes == "Tighter weapons rule"
    entry = AuditEntry.objects.get(action="intake.policy.edit")
    assert (entry.door, entry.detail["fields"]) == ("admin", ["notes"])
    published = PolicyVersion.objects.get(pk=policy.pk)
    with pytest.raises(ApplicationError, match="already published"):
        intake_services.policy_version_edit(
            actor=supervisor, version_id=published.pk, notes="Rewritten", unanswered_critical="hold"
        )
