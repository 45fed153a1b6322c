"""Premise history through its real doors: prior calls at the same address (written differently) or
within the radius over the last months, the location's caution notes, who may read it, and an audit
row for every read (the board's door and the tablet's bootstrap)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.common.errors import PermissionRefused
from apps.incidents import services
from apps.safety.models import LocationCaution
from apps.safety.premises import normalize_location
from apps.safety.services import caution_save
from tests.factories import CallTypeFactory, DeviceFactory
from tests.field.helpers import assigned_call

pytestmark = pytest.mark.django_db


def earlier_call(dispatcher, location_text, *, days, latitude=None, longitude=None, flags=(), disposition=None):
    incident = services.incident_create(
        actor=dispatcher,
        summary="Earlier call",
        location_text=location_text,
        latitude=latitude,
        longitude=longitude,
        call_type=CallTypeFactory(),
        safety_flags=list(flags),
        received_at=timezone.now() - timedelta(days=days),
    )
    if disposition:
        services.incident_close(actor=dispatcher, incident_id=incident.pk, disposition=disposition)
    return incident


@pytest.fixture
def calls(dispatcher, team):
    """The call now at 1200 Broadway (39.735, -104.987), and earlier ones around it."""
    same = earlier_call(dispatcher, "1200 BROADWAY STREET", days=10, flags=["weapons"], disposition="police_requested")
    near = earlier_call(dispatcher, "Corner of Broadway and 12th", days=40, latitude=39.7355, longitude=-104.9871)
    earlier_call(dispatcher, "1200 Broadway st", days=500)  # older than the months looked at
    earlier_call(dispatcher, "3000 Federal Blvd", days=5, latitude=39.76, longitude=-105.02)  # far away
    incident, assignment = assigned_call(dispatcher, team, location_text="1200 Broadway St.")
    return incident, assignment, same, near


def test_addresses_written_differently_normalise_to_one():
    assert normalize_location("1200 Broadway St., Apt 3") == normalize_location("1200 BROADWAY STREET apartment 3")
    assert normalize_location("12 North Elm Avenue") == "12 n elm ave"


def test_the_board_sees_prior_calls_at_the_address_and_nearby_and_the_read_is_audited(api, dispatcher, calls):
    incident, _assignment, same, near = calls
    api.login_as(dispatcher)
    answer = api.get(f"/api/v1/board/incidents/{incident.pk}/premise/")
    assert answer.status_code == 200, answer.content
    prior = {row["incident"]: row for row in answer.json()["prior_calls"]}
    assert set(prior) == {same.pk, near.pk}
    assert (prior[same.pk]["match"], prior[same.pk]["safety_flags"]) == ("address", ["weapons"])
    assert prior[same.pk]["disposition"] == "police_requested" and prior[same.pk]["call_type_name"]
    assert prior[near.pk]["match"] == "nearby" and prior[near.pk]["distance_m"] < 100
    entry = AuditEntry.objects.get(action="premise.view", actor=dispatcher)
    assert entry.object_id == str(incident.pk) and sorted(entry.record_ids) == sorted([str(same.pk), str(near.pk)])


def test_the_radius_and_months_are_settings(api, dispatcher, calls, settings):
    incident, _assignment, same, _near = calls
    settings.FIRSTLINE_PREMISE_RADIUS_METRES = 10
    api.login_as(dispatcher)
    door = f"/api/v1/board/incidents/{incident.pk}/premise/"
    assert [row["incident"] for row in api.get(door).json()["prior_calls"]] == [same.pk]
    settings.FIRSTLINE_PREMISE_MONTHS = 24
    body = api.get(door).json()
    assert len(body["prior_calls"]) == 2 and body["months"] == 24


def test_a_supervisors_caution_note_is_shown_and_its_writes_audited(api, supervisor, dispatcher, calls):
    incident = calls[0]
    caution = caution_save(
        actor=supervisor,
        caution=LocationCaution(location_text="1200 broadway street", flags=["animals"], note="Large dog in the yard."),
    )
    LocationCaution.objects.create(location_text="9 Elsewhere Rd", note="Not this one.")
    api.login_as(dispatcher)
    cautions = api.get(f"/api/v1/board/incidents/{incident.pk}/premise/").json()["cautions"]
    assert [(c["id"], c["note"], c["flag_names"]) for c in cautions] == [
        (caution.pk, "Large dog in the yard.", ["Animals"])
    ]
    assert AuditEntry.objects.filter(action="caution.create", actor=supervisor, object_id=str(caution.pk)).exists()
    entry = AuditEntry.objects.get(action="premise.view", actor=dispatcher)
    assert entry.detail["cautions"] == [caution.pk]


def test_only_a_supervisor_writes_caution_notes(dispatcher):
    with pytest.raises(PermissionRefused):
        caution_save(actor=dispatcher, caution=LocationCaution(location_text="1 Main St", note="x"))
    assert not LocationCaution.objects.exists()


@pytest.mark.parametrize("role", ["call_taker", "analyst", "other_responder"])
def test_others_are_refused_and_nothing_is_audited_as_read(api, request, calls, role):
    incident = calls[0]
    api.login_as(request.getfixturevalue(role))
    assert api.get(f"/api/v1/board/incidents/{incident.pk}/premise/").status_code == 403
    assert not AuditEntry.objects.filter(action="premise.view").exists()


def test_the_tablet_keeps_the_premise_history_of_its_calls_and_the_read_is_audited(api, responder, team, calls):
    incident, _assignment, same, near = calls
    device = DeviceFactory(team=team)
    api.login_as(responder, device=device.pk)
    boot = api.get(f"/api/v1/field/bootstrap/?device={device.pk}").json()
    history = boot["premise_history"][str(incident.pk)]
    assert {row["incident"] for row in history["prior_calls"]} == {same.pk, near.pk}
    assert AuditEntry.objects.filter(
        action="premise.view", actor=responder, object_id=str(incident.pk), detail__via="field.bootstrap"
    ).exists()
    # The assigned team also reads it through the board's door (the same rule as the call itself).
    assert api.get(f"/api/v1/board/incidents/{incident.pk}/premise/").status_code == 200
