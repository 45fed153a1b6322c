"""Helpers for tests of the supervisor admin: page URLs, signed-in clients, refusals, inline form data,
and a `world` of one of each core record.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apps.accounts.models import DeviceSession
from apps.incidents import services as incident_services
from apps.teams.models import Certification, Shift
from tests.factories import CallTypeFactory, DeviceFactory, OrganizationFactory


def url_for(model, page: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


def optional_url(model, page: str, *args) -> str | None:
    """Some admins are single pages (a report, an import) with no add or change page of their own."""
    try:
        return url_for(model, page, *args)
    except NoReverseMatch:
        return None


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def refused(response) -> bool:
    if response.status_code == 403:
        return True
    return response.status_code == 302 and response.url.startswith(reverse("admin:login"))


def inline_management_data(response) -> dict:
    """The management-form fields of every inline on an admin form page, as a browser would post them."""
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name, value in management.initial.items():
            data[f"{management.prefix}-{name}"] = value
    return data


def build_world(*, dispatcher, responder, team) -> dict:
    """One of each core record around one call, made through the services wherever a service exists."""
    call_type = CallTypeFactory()
    incident = incident_services.incident_create(
        actor=dispatcher, summary="Person shouting at traffic", location_text="15th & Pearl", call_type=call_type
    )
    assignment = incident_services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
    incident_services.assignment_set_status(actor=responder, assignment_id=assignment.pk, status="on_scene")
    version = incident_services.encounter_record(
        actor=responder,
        incident_id=incident.pk,
        assignment_id=assignment.pk,
        disposition="resolved_on_scene",
        narrative="Talked with him for twenty minutes; he accepted a ride to the shelter.",
    )
    incident_services.encounter_add_note(actor=responder, encounter_id=version.encounter_id, text="Shelter confirmed.")
    device = DeviceFactory(team=team)
    DeviceSession.objects.create(device=device, user=responder, session_key="k" * 32)
    shift = Shift.objects.create(
        team=team, starts_at=timezone.now() + timedelta(hours=1), ends_at=timezone.now() + timedelta(hours=9)
    )
    shift.members.add(responder)
    Certification.objects.create(
        responder=responder,
        kind=Certification.Kind.CPR,
        issued_on=timezone.localdate(),
        expires_on=timezone.localdate() + timedelta(days=365),
    )
    OrganizationFactory()
    return {"incident": incident, "assignment": assignment, "encounter": version.encounter, "device": device}


@pytest.fixture
def world(supervisor, dispatcher, responder, team):
    return build_world(dispatcher=dispatcher, responder=responder, team=team)
