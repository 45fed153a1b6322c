"""One small program with a record of every kind a door can show, and a signed-in client per role.

Built through the real services, so the records are exactly what the app itself writes. The
people's details carry marker strings (`SECRET_*`) that a test can look for in any response body.
"""

import hashlib
import itertools
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.roles import Role
from apps.feedback.services import feedback_card_issue
from apps.followups import services as followup_services
from apps.followups.models import PartnerServiceStaff
from apps.incidents import services as incident_services
from tests.factories import (
    PASSWORD,
    DeviceFactory,
    MembershipFactory,
    OrganizationFactory,
    ServiceFactory,
    TeamFactory,
    UserFactory,
    device_key_for,
    tablet_for,
)

ROLES = [
    "anonymous",
    "responder_a",
    "responder_b",
    "dispatcher",
    "call_taker",
    "supervisor",
    "partner_x",
    "partner_y",
    "analyst",
    "finance",
]

# Details only the assigned team, dispatch on an open call and supervisors may read.
SECRET_NAME = "Samwise Quillfeather"
SECRET_CONTACT = "555-0199-secret"
SECRET_NARRATIVE = "narrative-marker-said-he-hears-voices"
SECRET_FOLLOWUP_NOTES = "followup-marker-check-his-medication"
SECRET_CALLER = "caller-marker-Ortolan"
# What the person agreed to share with the partner: the need and the age range, nothing else.
CONSENTED_SCOPE = ["need", "age_range"]
NOT_CONSENTED = [SECRET_NAME, SECRET_CONTACT, SECRET_NARRATIVE, "unsheltered", "referral-notes-marker"]


_built = itertools.count(1)


def _unique(name: str) -> str:
    return f"{name}-{next(_built)}"


@dataclass
class World:
    users: dict = field(default_factory=dict)
    team_a: object = None
    team_b: object = None
    incident: object = None
    assignment: object = None
    encounter: object = None
    referral: object = None
    followup: object = None
    device: object = None
    service_x: object = None
    service_y: object = None
    org_x: object = None
    card: object = None
    card_token: str = ""

    def kwargs(self) -> dict:
        """A value for every URL keyword the project uses, pointing at team A's records."""
        missing_uuid = uuid.UUID("00000000-0000-4000-8000-000000000000")
        return {
            "incident_id": self.incident.pk,
            "assignment_id": self.assignment.pk,
            "encounter_id": self.encounter.pk,
            "referral_id": self.referral.pk,
            "followup_id": self.followup.pk,
            "device_id": self.device.pk,
            "team_id": self.team_a.pk,
            "service_id": self.service_x.pk,
            "organization_id": self.org_x.pk,
            # Records these doors show are not people's records; a missing id still proves "no 500".
            "decision_id": 999999,
            "flag_id": 999999,
            "delivery_id": missing_uuid,
            "emergency_id": missing_uuid,
            "co_response_id": missing_uuid,
            "sal_id": missing_uuid,
            "taxonomy_id": missing_uuid,
            "term_id": missing_uuid,
            "service_code": "welfare_check",
            "format": "json",
            "request_id": self.incident.pk,
            "month": "2026-01",
            "filename": "counts.csv",
            "measure_key": "calls",
            "card_id": self.card.pk,
            "token": self.card_token,
        }

    def client_for(self, role: str, device=None) -> APIClient:
        """Signed in through the login API; responders on an enrolled tablet of their team (or `device`)."""
        client = APIClient(enforce_csrf_checks=True)
        if role == "anonymous":
            return client
        user = self.users[role]
        body = {"username": user.username, "password": PASSWORD}
        if device is None and user.role == "responder":
            device = tablet_for(user)
        if device is not None:
            body.update(device=str(device.pk), device_key=device_key_for(device))
        response = client.post("/api/v1/auth/login/", body, format="json")
        assert response.status_code == 200, response.content
        client.credentials(HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
        return client


def build_world() -> World:
    """Safe to call many times in one test: every name is new."""
    w = World()
    w.team_a = TeamFactory()
    w.team_b = TeamFactory()
    w.org_x = OrganizationFactory(name="Org X Shelter")
    org_y = OrganizationFactory(name="Org Y Clinic")
    w.service_x = ServiceFactory(name="Org X beds", organization=w.org_x)
    w.service_y = ServiceFactory(name="Org Y counselling", organization=org_y)
    u = w.users
    u["responder_a"] = UserFactory(role=Role.RESPONDER, username=_unique("sec-responder-a"))
    MembershipFactory(team=w.team_a, user=u["responder_a"])
    u["responder_b"] = UserFactory(role=Role.RESPONDER, username=_unique("sec-responder-b"))
    MembershipFactory(team=w.team_b, user=u["responder_b"])
    u["dispatcher"] = UserFactory(role=Role.DISPATCHER, username=_unique("sec-dispatcher"))
    u["call_taker"] = UserFactory(role=Role.CALL_TAKER, username=_unique("sec-calltaker"))
    u["supervisor"] = UserFactory(role=Role.SUPERVISOR, username=_unique("sec-supervisor"))
    u["analyst"] = UserFactory(role=Role.ANALYST, username=_unique("sec-analyst"))
    u["finance"] = UserFactory(role=Role.FINANCE, username=_unique("sec-finance"))
    u["partner_x"] = UserFactory(role=Role.PARTNER, username=_unique("sec-partner-x"), partner_organization=w.org_x)
    u["partner_y"] = UserFactory(role=Role.PARTNER, username=_unique("sec-partner-y"), partner_organization=org_y)
    PartnerServiceStaff.objects.create(user=u["partner_x"], service=w.service_x)

    w.incident = incident_services.incident_create(
        actor=u["dispatcher"],
        summary="Man sitting outside the library in the cold",
        location_text="12 Library Lane",
        caller_name=SECRET_CALLER,
        caller_notes="Caller knows him from the shelter.",
    )
    w.assignment = incident_services.incident_assign(
        actor=u["dispatcher"], incident_id=w.incident.pk, team_id=w.team_a.pk
    )
    version = incident_services.encounter_record(
        actor=u["responder_a"],
        incident_id=w.incident.pk,
        assignment_id=w.assignment.pk,
        disposition="referred",
        narrative=SECRET_NARRATIVE,
        person={
            "name": SECRET_NAME,
            "contact": SECRET_CONTACT,
            "age_range": "40-49",
            "housing_status": "unsheltered",
        },
        needs=["shelter"],
        referral_needed=True,
    )
    w.encounter = version.encounter
    w.referral = followup_services.referral_create(
        actor=u["responder_a"],
        encounter_id=w.encounter.pk,
        service_id=w.service_x.pk,
        consent={
            "scope": CONSENTED_SCOPE,
            "recipients": "service",
            "expires_at": None,
            "substance_use_records": False,
            "given_by": "verbal",
        },
        need="shelter",
        notes="referral-notes-marker",
    )
    w.followup = followup_services.followup_create(
        actor=u["responder_a"],
        kind="check_in_call",
        due_at=timezone.now() + timedelta(days=1),
        team_id=w.team_a.pk,
        encounter_id=w.encounter.pk,
        notes=SECRET_FOLLOWUP_NOTES,
    )
    w.device = DeviceFactory(team=w.team_a)
    # A feedback card offered after team A's encounter; its token is what the QR code carries.
    w.card_token = "".join(secrets.choice("0123456789abcdefghjkmnpqrstvwxyz") for _ in range(20))
    w.card = feedback_card_issue(
        actor=u["responder_a"],
        card_id=uuid.uuid4(),
        encounter_id=w.encounter.pk,
        token_hash=hashlib.sha256(w.card_token.encode()).hexdigest(),
    )
    return w
