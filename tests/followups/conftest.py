"""Shared set-up for follow-up tests: a documented encounter, made through the real services."""

import re

import pytest

from apps.incidents import services as incident_services
from tests.factories import OrganizationFactory, ServiceFactory, UserFactory

ALIAS = "Sam"


def names_the_person(text: str) -> bool:
    """Whether `text` shows the person's alias as a word: a staff member's name may be Samantha."""
    return re.search(rf"\b{ALIAS}\b", text) is not None


def document_encounter(*, dispatcher, responder, team, disposition="resolved_on_scene", **fields):
    """A call dispatched to `team` and documented by `responder`; returns the EncounterVersion."""
    incident = incident_services.incident_create(
        actor=dispatcher, summary="Person asking for a place to sleep", location_text="Civic Center Park"
    )
    assignment = incident_services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
    version = incident_services.encounter_record(
        actor=responder,
        incident_id=incident.pk,
        disposition=disposition,
        person={"alias": ALIAS, "age_range": "30-39", "language": "en", "housing_status": "unsheltered"},
        **{"needs": ["shelter"], **fields},
    )
    # Free the team for the next call in the same test.
    incident_services.assignment_cancel(actor=dispatcher, assignment_id=assignment.pk, reason="test done")
    return version


@pytest.fixture
def encounter_version(dispatcher, responder, team):
    return document_encounter(dispatcher=dispatcher, responder=responder, team=team, referral_needed=True)


@pytest.fixture
def shelter_service(db):
    return ServiceFactory(name="Emergency beds", organization=OrganizationFactory(name="Riverton Shelter"))


@pytest.fixture
def shelter_partner(shelter_service):
    """Staff of the service referred to: a consent to 'only the service referred to' reaches them."""
    from apps.followups.models import PartnerServiceStaff

    user = UserFactory(role="partner", username="shelter-staff", partner_organization=shelter_service.organization)
    PartnerServiceStaff.objects.create(user=user, service=shelter_service)
    return user


FULL_CONSENT = {
    "scope": ["need", "name", "age_range", "language", "housing_status"],
    "recipients": "service",
    "expires_at": None,
    "substance_use_records": False,
    "given_by": "verbal",
}


@pytest.fixture
def default_rules(db):
    """The rules the migration installs; put back in case a transactional test flushed them."""
    from apps.followups.defaults import ensure_default_rules

    ensure_default_rules()
