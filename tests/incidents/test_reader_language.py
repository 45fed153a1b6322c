"""A call's words in the reader's language: its timeline (recorded once, in English) and its call
type's name, through the incident API a Spanish-speaking dispatcher's board reads."""

import pytest
from django.utils import translation

from apps.incidents import services
from apps.incidents.models import CallType, IncidentLogEntry
from apps.incidents.timeline import shown_text
from tests.factories import CallTypeFactory

pytestmark = pytest.mark.django_db


def worked_call(dispatcher, responder, team, **extra):
    incident = services.incident_create(
        actor=dispatcher, summary="Man shouting at traffic", location_text="15th & Pearl", **extra
    )
    services.incident_update(actor=dispatcher, incident_id=incident.pk, location_text="16th & Pearl")
    assignment = services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
    services.assignment_acknowledge(actor=responder, assignment_id=assignment.pk)
    for status in ["en_route", "on_scene", "cleared"]:
        services.assignment_set_status(actor=responder, assignment_id=assignment.pk, status=status)
    return incident


def timeline_of(api, incident, language):
    response = api.get(f"/api/v1/incidents/{incident.pk}/?lang={language}")
    assert response.status_code == 200
    return response.json()["timeline"]


def test_a_spanish_reader_reads_the_timeline_in_spanish_and_the_record_stays_english(api, dispatcher, responder, team):
    with translation.override("es"):  # whoever acts, in whatever language, records English
        incident = worked_call(dispatcher, responder, team)
    api.login_as(dispatcher)
    spanish = [entry["text"] for entry in timeline_of(api, incident, "es")]
    sign = team.call_sign
    assert spanish == [
        "Llamada recibida de 911.",
        "Datos cambiados: lugar.",
        f"{sign} enviado a la llamada.",
        f"{sign} confirmó la recepción.",
        f"{sign}: en camino.",
        f"{sign}: en el lugar.",
        f"{sign}: terminado.",
        "Llamada cerrada: todos los equipos terminaron.",
    ]
    english = timeline_of(api, incident, "en")
    assert [entry["text"] for entry in english] == [
        "Call received from 911.",
        "Details changed: location.",
        f"{sign} dispatched.",
        f"{sign} acknowledged.",
        f"{sign} en route.",
        f"{sign} on scene.",
        f"{sign} cleared.",
        "Call closed: every team cleared.",
    ]
    # The record itself is one language, and the Spanish answer still carries it.
    assert list(incident.timeline.values_list("text", flat=True)) == [entry["text"] for entry in english]
    assert [entry["recorded_text"] for entry in timeline_of(api, incident, "es")] == [e["text"] for e in english]


def test_a_closing_and_a_cancel_show_their_vocabulary_translated_and_typed_words_as_written(api, dispatcher, team):
    closed = services.incident_create(
        actor=dispatcher, summary="Noise", location_text="Elm St", source="police_request"
    )
    services.incident_close(actor=dispatcher, incident_id=closed.pk, disposition="resolved_on_scene")
    cancelled = services.incident_create(actor=dispatcher, summary="Noise", location_text="Oak St")
    services.incident_assign(actor=dispatcher, incident_id=cancelled.pk, team_id=team.pk)
    services.incident_cancel(actor=dispatcher, incident_id=cancelled.pk, reason="Caller left")
    api.login_as(dispatcher)
    assert [e["text"] for e in timeline_of(api, closed, "es")] == [
        "Llamada recibida de Pedido de la policía.",
        "Llamada cerrada: Resuelto en el lugar.",
    ]
    assert [e["text"] for e in timeline_of(api, cancelled, "es")][-2:] == [
        f"{team.call_sign}: asignación cancelada (Caller left).",
        "Llamada cancelada: Caller left",
    ]


def test_an_entry_recorded_before_messages_were_kept_shows_through_the_catalog_or_as_written(dispatcher):
    incident = services.incident_create(actor=dispatcher, summary="Noise", location_text="Elm St")
    fixed = IncidentLogEntry.objects.create(
        incident=incident, kind="encounter.note", text="Note added to an encounter.", at=incident.received_at
    )
    free = IncidentLogEntry.objects.create(
        incident=incident, kind="incident.updated", text="Details changed: summary.", at=incident.received_at
    )
    with translation.override("es"):
        assert shown_text(fixed) == "Nota agregada a una atención."
        assert shown_text(free) == "Details changed: summary."


def test_a_call_type_shows_its_name_in_the_readers_language_where_the_program_gave_one(api, dispatcher):
    named = CallTypeFactory(code="welfare_check", name="Welfare check", names={"es": "Ver cómo está una persona"})
    plain = CallTypeFactory(code="needle_pickup", name="Needle pickup", names={})
    first = services.incident_create(actor=dispatcher, summary="A", location_text="Elm St", call_type=named.code)
    second = services.incident_create(actor=dispatcher, summary="B", location_text="Oak St", call_type=plain.code)
    api.login_as(dispatcher)
    assert api.get(f"/api/v1/incidents/{first.pk}/?lang=es").json()["call_type_name"] == "Ver cómo está una persona"
    assert api.get(f"/api/v1/incidents/{first.pk}/?lang=en").json()["call_type_name"] == "Welfare check"
    assert api.get(f"/api/v1/incidents/{second.pk}/?lang=es").json()["call_type_name"] == "Needle pickup"
    board = api.get("/api/v1/board/?lang=es").json()
    names = {row["id"]: row["call_type_name"] for row in board["incidents"]}
    assert names[first.pk] == "Ver cómo está una persona"


@pytest.mark.parametrize(
    "names",
    [{"xx": "Nombre"}, {"es": 3}, ["es", "Nombre"]],
)
def test_a_call_type_name_must_sit_under_a_language_of_the_program(names):
    from django.core.exceptions import ValidationError

    call_type = CallType(code="dispute", name="Dispute", names=names)
    with pytest.raises(ValidationError) as refused:
        call_type.full_clean()
    assert "names" in refused.value.message_dict


def test_blank_names_are_dropped_so_the_name_shows_instead():
    call_type = CallType(code="dispute", name="Dispute", names={"es": "  "})
    call_type.full_clean()
    assert call_type.names == {}
    assert call_type.shown_name("es") == "Dispute"


def test_the_admin_shows_a_spanish_supervisor_the_timeline_in_spanish(dispatcher, supervisor):
    from apps.incidents.models import Incident
    from tests.admin_pages import client_for, url_for

    incident = services.incident_create(actor=dispatcher, summary="Noise", location_text="Elm St")
    page = client_for(supervisor).get(url_for(Incident, "change", incident.pk) + "?lang=es").content.decode()
    assert "Llamada recibida de 911." in page
    assert "Call received from" not in page


def test_cancelled_agrees_in_spanish_with_what_was_cancelled():
    from apps.followups.models import FollowUp, Referral
    from apps.incidents.states import AssignmentStatus, IncidentStatus

    with translation.override("es"):
        assert str(IncidentStatus.CANCELLED.label) == "Cancelada"  # una llamada
        assert str(AssignmentStatus.CANCELLED.label) == "Cancelada"  # una asignación
        assert str(Referral.Status.CANCELLED.label) == "Cancelada"  # una derivación
        assert str(Referral.Status.DECLINED.label) == "Rechazada"
        assert str(FollowUp.Status.CANCELLED.label) == "Cancelado"  # un seguimiento
    with translation.override("en"):
        assert {str(IncidentStatus.CANCELLED.label), str(FollowUp.Status.CANCELLED.label)} == {"Cancelled"}
