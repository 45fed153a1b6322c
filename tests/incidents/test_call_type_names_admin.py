"""A supervisor gives a call type its name in the program's other languages, in the admin."""

import pytest

from apps.audit.models import AuditEntry
from apps.incidents.models import CallType
from tests.admin_pages import client_for, url_for
from tests.factories import CallTypeFactory

pytestmark = pytest.mark.django_db


def form_data(call_type, **changes):
    data = {
        "name": call_type.name,
        "name_es": (call_type.names or {}).get("es", ""),
        "code": call_type.code,
        "description": call_type.description,
        "default_priority": call_type.default_priority,
        "required_capabilities": call_type.required_capabilities,
        "active": "on",
    }
    data.update(changes)
    return data


def test_a_supervisor_writes_the_spanish_name_and_the_change_page_shows_it_back(supervisor):
    call_type = CallTypeFactory(code="welfare_check", name="Welfare check", names={})
    client = client_for(supervisor)
    page = client.get(url_for(CallType, "change", call_type.pk))
    assert 'name="name_es"' in page.content.decode()
    response = client.post(url_for(CallType, "change", call_type.pk), form_data(call_type, name_es=" Ver cómo está "))
    assert response.status_code == 302, response.content.decode()[:2000]
    call_type.refresh_from_db()
    assert call_type.names == {"es": "Ver cómo está"}
    assert call_type.shown_name("es") == "Ver cómo está" and call_type.shown_name("en") == "Welfare check"
    assert 'value="Ver cómo está"' in client.get(url_for(CallType, "change", call_type.pk)).content.decode()
    entry = AuditEntry.objects.filter(action="call_type.update").latest("pk")
    assert "name_es" in entry.detail["fields"]


def test_emptying_the_spanish_name_removes_it(supervisor):
    call_type = CallTypeFactory(code="dispute", name="Dispute", names={"es": "Disputa"})
    response = client_for(supervisor).post(url_for(CallType, "change", call_type.pk), form_data(call_type, name_es=""))
    assert response.status_code == 302
    call_type.refresh_from_db()
    assert call_type.names == {}
