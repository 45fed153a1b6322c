"""The incident pages of the supervisor admin: created, edited and cancelled through the incidents
services, never deleted, and never overwriting a change made on the board meanwhile.
"""

import pytest

from apps.audit.models import AuditEntry
from apps.incidents import services as incident_services
from apps.incidents.models import Incident
from apps.incidents.states import IncidentStatus
from apps.streams.models import Event
from tests.admin_pages import client_for, inline_management_data, url_for, world  # noqa: F401 (the world fixture)
from tests.factories import CallTypeFactory

pytestmark = pytest.mark.django_db


def test_creating_an_incident_in_the_admin_uses_the_service(supervisor):
    call_type = CallTypeFactory()
    client = client_for(supervisor)
    add = client.get(url_for(Incident, "add"))
    data = {
        "source": "988",
        "call_type": call_type.pk,
        "priority": 2,
        "summary": "Caller worried about her brother",
        "location_text": "1200 Elm St",
        **inline_management_data(add),
    }
    response = client.post(url_for(Incident, "add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    incident = Incident.objects.get(location_text="1200 Elm St")
    assert incident.created_by == supervisor
    assert incident.timeline.filter(kind="incident.created").exists()
    assert Event.objects.filter(stream="board", kind="incident.created", data__incident=incident.pk).exists()


def test_editing_an_incident_in_the_admin_goes_through_incident_update(world, supervisor):
    incident = world["incident"]
    client = client_for(supervisor)
    change = client.get(url_for(Incident, "change", incident.pk))
    form = change.context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields if form.initial.get(name) is not None}
    data.update({"location_text": "16th & Pearl", **inline_management_data(change)})
    response = client.post(url_for(Incident, "change", incident.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    incident.refresh_from_db()
    assert incident.location_text == "16th & Pearl"
    assert incident.timeline.filter(kind="incident.updated").exists()
    assert AuditEntry.objects.filter(action="incident.update", object_id=str(incident.pk), door="admin").exists()


def test_cancelling_calls_from_the_admin_frees_their_teams(world, supervisor, team):
    incident = incident_services.incident_create(actor=supervisor, summary="Noise", location_text="Alley")
    client = client_for(supervisor)
    response = client.post(
        url_for(Incident, "changelist"), {"action": "cancel_selected", "_selected_action": [incident.pk]}
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CANCELLED
    assert incident.cancel_reason == "Cancelled by supervisor in admin"
    assert AuditEntry.objects.filter(action="incident.cancel", object_id=str(incident.pk), door="admin").exists()


def test_incidents_and_assignments_cannot_be_deleted(world, supervisor):
    client = client_for(supervisor)
    incident = world["incident"]
    assert client.post(url_for(Incident, "delete", incident.pk), {"post": "yes"}).status_code == 403
    assert Incident.objects.filter(pk=incident.pk).exists()


def test_an_incident_changed_on_the_board_meanwhile_is_not_overwritten(world, supervisor, dispatcher):
    incident = Incident.objects.get(pk=world["incident"].pk)
    client = client_for(supervisor)
    change = client.get(url_for(Incident, "change", incident.pk))
    form = change.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    assert data["base_version"] == incident.version
    incident_services.incident_update(actor=dispatcher, incident_id=incident.pk, summary="Now two people")

    data.update({"location_text": "Somewhere else", **inline_management_data(change)})
    response = client.post(url_for(Incident, "change", incident.pk), data, follow=True)
    assert response.status_code == 200
    assert "Someone else changed this call" in response.content.decode()
    incident.refresh_from_db()
    assert incident.location_text == "15th & Pearl"
    assert incident.summary == "Now two people"
