"""A small world with one real object behind every URL kwarg, and a client signed in for each role."""

import importlib.util
import uuid
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.roles import Role
from apps.demo.intake import ensure_policy
from apps.followups import referrals as referral_services
from apps.followups import services as followup_services
from apps.followups.models import WebhookDelivery
from apps.incidents import services as incident_services
from apps.intake import services as intake_services
from apps.intake.models import DuplicateFlag, ScreeningDecision
from tests.factories import (
    PASSWORD,
    DeviceFactory,
    MembershipFactory,
    OrganizationFactory,
    ServiceFactory,
    TeamFactory,
    UserFactory,
    device_key_for,
)
from tests.followups.conftest import FULL_CONSENT, document_encounter

# The schemathesis walk needs the test lock installed (CI always has it). A venv that predates it
# leaves the module out rather than skipping it, since a skip fails FIRSTLINE_REQUIRE_SERVICES runs.
collect_ignore = [] if importlib.util.find_spec("schemathesis") else ["test_schemathesis.py"]


@pytest.fixture
def world(db, settings):
    """Everyone and everything the doors need; returns the kwargs and the signed-in clients."""
    cache.clear()  # throttles count per test, not across the module
    team = TeamFactory()
    responder = UserFactory(role=Role.RESPONDER, username="rb-responder")
    MembershipFactory(team=team, user=responder)
    dispatcher = UserFactory(role=Role.DISPATCHER, username="rb-dispatcher")
    supervisor = UserFactory(role=Role.SUPERVISOR, username="rb-supervisor")
    call_taker = UserFactory(role=Role.CALL_TAKER, username="rb-calltaker")
    organization = OrganizationFactory(name="Riverton Shelter")
    service = ServiceFactory(name="Emergency beds", organization=organization)
    partner = UserFactory(role=Role.PARTNER, username="rb-partner", partner_organization=organization)
    device = DeviceFactory(team=team, name="Unit tablet R")
    ensure_policy(actor=supervisor)
    center = intake_services.call_center_create(actor=supervisor, name="Riverton 911", kind="911")
    _key, raw_key = intake_services.api_key_issue(actor=supervisor, call_center_id=center.pk)

    version = document_encounter(dispatcher=dispatcher, responder=responder, team=team, referral_needed=True)
    encounter = version.encounter
    referral = referral_services.referral_create(
        actor=responder, encounter_id=encounter.pk, service_id=service.pk, consent=FULL_CONSENT, need="shelter"
    )
    followup = followup_services.followup_create(
        actor=supervisor, kind="check_in_call", due_at=timezone.now() + timezone.timedelta(days=1), team_id=team.pk
    )
    incident = incident_services.incident_create(
        actor=dispatcher, summary="Person asking for help", location_text="Civic Center Park"
    )
    assignment = incident_services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)

    decision = ScreeningDecision.objects.order_by("pk").first()
    flag = DuplicateFlag.objects.order_by("pk").first()
    delivery = WebhookDelivery.objects.order_by("pk").first()

    kwargs = {
        "device_id": device.pk,
        "assignment_id": assignment.pk,
        "incident_id": incident.pk,
        "followup_id": followup.pk,
        "referral_id": referral.pk,
        "encounter_id": encounter.pk,
        "decision_id": decision.pk if decision else 2_147_483_000,
        "flag_id": flag.pk if flag else 2_147_483_000,
        "delivery_id": delivery.pk if delivery else uuid.uuid4(),
        "emergency_id": uuid.uuid4(),
        "co_response_id": uuid.uuid4(),
        "card_id": uuid.uuid4(),
        "token": "0123456789abcdefghjk",
        "service_id": service.pk,
        "organization_id": organization.pk,
        "sal_id": uuid.uuid4(),
        "taxonomy_id": uuid.uuid4(),
        "term_id": uuid.uuid4(),
        "team_id": team.pk,
        "service_code": "welfare_check",
        "request_id": 2_147_483_000,
        "format": "json",
    }

    def api_as(user):
        client = APIClient()
        if user is not None and user.role == Role.RESPONDER:
            # A responder's session is bound to an enrolled tablet: sign in on it through the door.
            body = {"username": user.username, "password": PASSWORD, "device": str(device.pk)}
            answer = client.post("/api/v1/auth/login/", {**body, "device_key": device_key_for(device)}, format="json")
            assert answer.status_code == 200, answer.content
        elif user is not None:
            client.force_login(user)
        return client

    key_client = APIClient()
    key_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
    clients = {
        "supervisor": api_as(supervisor),
        "dispatcher": api_as(dispatcher),
        "responder": api_as(responder),
        "partner": api_as(partner),
        "call_taker": api_as(call_taker),
        "call_center": key_client,
    }
    pages = {}
    for name, user in [("supervisor", supervisor), ("call_taker", call_taker), ("partner", partner)]:
        page_client = Client()
        page_client.force_login(user)
        pages[name] = page_client
    return SimpleNamespace(
        kwargs=kwargs,
        clients=clients,
        pages=pages,
        raw_key=raw_key,
        team=team,
        responder=responder,
        dispatcher=dispatcher,
        supervisor=supervisor,
        device=device,
        incident=incident,
        assignment=assignment,
        encounter=encounter,
        version=version,
        service=service,
    )
