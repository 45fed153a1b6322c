"""Who may read a call's details (callers' names and notes are people's records)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.common.errors import NotFound
from apps.incidents import selectors, services
from apps.incidents.models import Incident

pytestmark = pytest.mark.django_db


def closed_call(dispatcher, *, hours_ago: float) -> Incident:
    incident = services.incident_create(actor=dispatcher, summary="Welfare check", location_text="Main St")
    services.incident_close(actor=dispatcher, incident_id=incident.pk, disposition="no_person_found")
    Incident.objects.filter(pk=incident.pk).update(closed_at=timezone.now() - timedelta(hours=hours_ago))
    return incident


@pytest.mark.parametrize("role_fixture", ["dispatcher", "call_taker"])
def test_dispatch_reads_open_calls_and_the_shifts_closed_ones_but_not_old_ones(request, dispatcher, role_fixture):
    reader = request.getfixturevalue(role_fixture)
    open_call = services.incident_create(actor=dispatcher, summary="Crisis", location_text="Park")
    recent = closed_call(dispatcher, hours_ago=2)
    old = closed_call(dispatcher, hours_ago=30)
    assert selectors.incident_get_for(user=reader, incident_id=open_call.pk) == open_call
    assert selectors.incident_get_for(user=reader, incident_id=recent.pk) == recent
    with pytest.raises(NotFound):
        selectors.incident_get_for(user=reader, incident_id=old.pk)
    assert AuditEntry.objects.filter(action="incident.view", object_id=str(old.pk), outcome="denied").exists()


def test_a_supervisor_reads_every_call(dispatcher, supervisor):
    old = closed_call(dispatcher, hours_ago=24 * 30)
    assert selectors.incident_get_for(user=supervisor, incident_id=old.pk) == old


def test_responders_read_only_their_teams_calls(dispatcher, responder, other_responder, team):
    incident = services.incident_create(actor=dispatcher, summary="Crisis", location_text="Park")
    services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
    assert selectors.incident_get_for(user=responder, incident_id=incident.pk) == incident
    with pytest.raises(NotFound):
        selectors.incident_get_for(user=other_responder, incident_id=incident.pk)


def test_analysts_and_partners_read_no_call(dispatcher, analyst, partner_user):
    incident = services.incident_create(actor=dispatcher, summary="Crisis", location_text="Park")
    for user in (analyst, partner_user):
        with pytest.raises(NotFound):
            selectors.incident_get_for(user=user, incident_id=incident.pk)
