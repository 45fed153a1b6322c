"""Entries recorded before the timeline kept its sentences (migration 0009) get them back from their
English text, so old calls read in Spanish too; anything else is left as it was."""

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from apps.incidents import services
from apps.incidents.models import IncidentLogEntry
from apps.incidents.timeline import shown_text

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("apps.incidents.migrations.0009_timeline_messages_backfill").backfill

OLD = [
    ("incident.created", "Call received from Police request.", "Llamada recibida de Pedido de la policía."),
    ("incident.updated", "Details changed: location_text, summary.", "Datos cambiados: lugar, resumen."),
    ("assignment.created", "Alpha 1 dispatched.", "Alpha 1 enviado a la llamada."),
    ("assignment.acknowledged", "Alpha 1 acknowledged.", "Alpha 1 confirmó la recepción."),
    ("assignment.en_route", "Alpha 1 en route.", "Alpha 1: en camino."),
    ("assignment.cancelled", "Alpha 1 cancelled (Caller left).", "Alpha 1: asignación cancelada (Caller left)."),
    ("assignment.cancelled", "Alpha 1 cancelled.", "Alpha 1: cancelada."),
    (
        "assignment.escalated",
        "Alpha 1 has not acknowledged after 90 seconds.",
        "Alpha 1 no ha confirmado la recepción después de 90 segundos.",
    ),
    ("encounter.recorded", "Encounter documented (version 2).", "Atención documentada (versión 2)."),
    ("incident.closed", "Call closed: Resolved on scene.", "Llamada cerrada: Resuelto en el lugar."),
    ("incident.closed", "Call closed: every team cleared.", "Llamada cerrada: todos los equipos terminaron."),
    ("incident.cancelled", "Call cancelled: Duplicate", "Llamada cancelada: Duplicate"),
    # Stored in Spanish by an older bug, or by nothing this program writes: shown as it is.
    ("incident.closed", "Call closed: Resuelto en el lugar.", "Call closed: Resuelto en el lugar."),
    ("incident.note", "Something a program wrote by hand.", "Something a program wrote by hand."),
]


def test_old_entries_get_their_sentence_back_and_read_in_spanish(dispatcher):
    incident = services.incident_create(actor=dispatcher, summary="Noise", location_text="Elm St")
    IncidentLogEntry.objects.filter(incident=incident).delete()
    entries = [
        IncidentLogEntry.objects.create(incident=incident, kind=kind, text=text, at=incident.received_at)
        for kind, text, _spanish in OLD
    ]
    backfill(apps, None)
    with translation.override("es"):
        shown = [shown_text(IncidentLogEntry.objects.get(pk=entry.pk)) for entry in entries]
    assert shown == [spanish for _kind, _text, spanish in OLD]
    with translation.override("en"):
        english = [shown_text(IncidentLogEntry.objects.get(pk=entry.pk)) for entry in entries]
    assert english[:3] == ["Call received from Police request.", "Details changed: location, summary.", OLD[2][1]]
    assert IncidentLogEntry.objects.get(pk=entries[-1].pk).message == ""
