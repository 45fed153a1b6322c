"""A call's caller data and location follow one rule whichever door the call comes in by.

Screening page, screening API, incidents API, Open311, EIDO and the admin all reach the same
service, so a callback is stored in E.164 or not at all, an over-long text is refused, markup is
stored as text, and a point needs both halves.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from apps.audit.models import AuditEntry
from apps.common.errors import ApplicationError
from apps.incidents import services as incident_services
from apps.incidents.models import Incident
from apps.intake import services as intake_services
from tests.doors import admin_as, api_as
from tests.intake.conftest import center_client, center_key, policy  # noqa: F401 (fixtures for the intake doors)
from tests.intake.eido_samples import eido

pytestmark = pytest.mark.django_db

# --- caller data: one rule for a callback and for text length, whichever door a call comes in by --

SAFE = {
    "weapon_involved": "no",
    "violence_or_threats": "no",
    "medical_emergency": "no",
    "suicide_attempt_with_means": "no",
}
PAGE_FORM = {"call_type": "welfare_check", "location_text": "Park", "action": "decide"}
PAGE_FORM |= {f"q_{k}": v for k, v in SAFE.items()}
API_BODY = {"call_type": "welfare_check", "location_text": "Park", "answers": SAFE}


def screen_on_page(call_taker, **fields):
    page = Client()
    page.force_login(call_taker)
    return page.post("/intake/screen/", {**PAGE_FORM, **fields})


def open311_post(center_key, **fields):
    body = {"api_key": center_key[1], "service_code": "welfare-check", "address_string": "Park"}
    body |= {f"attribute[{k}]": v for k, v in SAFE.items()} | fields
    return APIClient().post("/open311/v2/requests.json", body)


def eido_post(center_client, callback_uri: str):
    doc = eido()
    doc["callbackComponent"][0]["callBackInformationUri"] = [callback_uri]
    return center_client.post("/api/v1/intake/eido/", json.dumps(doc), content_type="application/json")


def test_a_callback_is_stored_in_e164_through_every_intake_door(policy, call_taker, center_client, center_key):
    assert screen_on_page(call_taker, summary="Cold", callback="(303) 555-0101").status_code == 302
    body = {**API_BODY, "callback": "303.555.0102"}
    assert api_as(call_taker).post("/api/v1/intake/screen/", body, format="json").status_code == 201
    assert open311_post(center_key, phone="+1 303 555 0103").status_code == 201
    assert eido_post(center_client, "tel:303-555-0104").status_code == 201
    stored = sorted(i.callback for i in Incident.objects.all())
    assert stored == ["+13035550101", "+13035550102", "+13035550103", "+13035550104"]


def test_not_a_phone_is_never_stored_whichever_door(policy, call_taker, center_client, center_key):
    assert screen_on_page(call_taker, summary="Cold", callback="not a phone").status_code == 400
    body = {**API_BODY, "callback": "not a phone"}
    refused = api_as(call_taker).post("/api/v1/intake/screen/", body, format="json")
    assert refused.status_code == 400 and "callback" in refused.json()
    response = open311_post(center_key, phone="not a phone")
    assert response.status_code == 400 and "phone" in response.json()[0]["description"]
    assert not Incident.objects.exists()
    answer = eido_post(center_client, "tel:not-a-phone")
    assert answer.status_code == 201 and answer.json()["warnings"]
    assert Incident.objects.get().callback == ""


def test_a_5000_character_summary_is_refused_at_every_door(policy, call_taker, center_key):
    long = "x" * 5000
    assert screen_on_page(call_taker, summary=long).status_code == 400
    body = {**API_BODY, "summary": long}
    assert api_as(call_taker).post("/api/v1/intake/screen/", body, format="json").status_code == 400
    incident = {"summary": long, "location_text": "Park"}
    assert api_as(call_taker).post("/api/v1/incidents/", incident, format="json").status_code == 400
    assert open311_post(center_key, description=long).status_code == 400
    assert not Incident.objects.exists()


def test_markup_in_an_address_is_stored_as_text_and_escaped_on_the_page(policy, call_taker, center_key):
    held = intake_services.held_call_create(
        actor=center_key[0].service_user,
        call_center=center_key[0],
        call_type=None,
        location_text='<img src=x onerror="alert(1)">Park',
        summary="<script>alert(2)</script>",
    )
    assert held.location_text == '<img src=x onerror="alert(1)">Park'
    page = Client()
    page.force_login(call_taker)
    html = page.get(f"/intake/screen/?incident={held.pk}").content.decode()
    assert "<script>alert(2)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


# --- a point needs both halves, whichever door the call comes through -----------------------------


def test_a_latitude_alone_is_refused_by_the_api_with_a_field_error(dispatcher):
    body = {"summary": "Welfare check", "location_text": "Park", "latitude": 39.7}
    response = api_as(dispatcher).post("/api/v1/incidents/", body, format="json")
    assert response.status_code == 400
    assert response.json()["longitude"] == ["Give both latitude and longitude, or neither."]


def test_a_latitude_alone_is_refused_by_the_service_the_admin_and_eido_call(supervisor):
    with pytest.raises(ApplicationError) as refused:
        incident_services.incident_create(actor=supervisor, summary="Cold", location_text="Park", longitude=-104.9)
    assert "longitude" in refused.value.extra
    incident = incident_services.incident_create(actor=supervisor, summary="Cold", location_text="Park")
    with pytest.raises(ApplicationError):  # an edit (admin change form, EIDO update) may not drop one half
        incident_services.incident_update(actor=supervisor, incident_id=incident.pk, latitude=39.7)
    client = admin_as(supervisor)
    form = {"source": "911", "priority": 3, "summary": "Cold", "location_text": "Park", "latitude": "39.7"}
    for inline in ("assignments", "encounters", "timeline"):
        form |= {f"{inline}-TOTAL_FORMS": "0", f"{inline}-INITIAL_FORMS": "0"}
    response = client.post(reverse("admin:incidents_incident_add"), form, follow=True)
    page = response.content.decode()
    assert "Give both latitude and longitude, or neither." in page
    assert "successfully" not in page
    assert Incident.objects.get() == incident  # the one made above, nothing from the admin
    assert AuditEntry.objects.filter(action="incident.create").count() == 1
