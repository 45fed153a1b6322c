"""What the board recommends for a call that already has a team, and what it says of each team's tablet."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import Device
from apps.incidents import services
from apps.incidents.models import CallType
from tests.factories import TeamFactory, tablet_for

pytestmark = pytest.mark.django_db


def _board(api, dispatcher):
    api.login_as(dispatcher)
    return api.get("/api/v1/board/").json()


def _call(body, incident):
    return next(i for i in body["incidents"] if i["id"] == incident.pk)


def test_a_call_with_a_team_gets_no_second_team_unless_its_call_type_asks(api, dispatcher, team):
    TeamFactory()  # a free team that could be recommended
    CallType.objects.create(code="welfare", name="Welfare check")
    CallType.objects.create(code="escort", name="Escort to shelter", needs_second_team=True)
    plain = services.incident_create(actor=dispatcher, summary="A", location_text="Park", call_type="welfare")
    pair = services.incident_create(actor=dispatcher, summary="B", location_text="Dock", call_type="escort")
    empty = services.incident_create(actor=dispatcher, summary="C", location_text="Mall", call_type="welfare")
    services.incident_assign(actor=dispatcher, incident_id=plain.pk, team_id=team.pk)
    other = TeamFactory()
    services.incident_assign(actor=dispatcher, incident_id=pair.pk, team_id=other.pk)

    body = _board(api, dispatcher)
    assert _call(body, plain)["recommended_team"] is None
    assert _call(body, plain)["second_team_wanted"] is False
    assert _call(body, pair)["second_team_wanted"] is True
    assert _call(body, pair)["recommended_team"] is not None
    assert _call(body, empty)["recommended_team"] is not None  # a first team is always recommended


def test_each_team_says_when_its_tablet_was_last_heard_from(api, dispatcher, responder, team):
    quiet_team, no_tablet = TeamFactory(), TeamFactory()
    heard = tablet_for(responder)
    Device.objects.filter(pk=heard.pk).update(last_seen_at=timezone.now() - timedelta(seconds=30))
    quiet = tablet_for(responder)
    Device.objects.filter(pk=quiet.pk).update(team=quiet_team, last_seen_at=timezone.now() - timedelta(minutes=20))

    teams = {t["id"]: t for t in _board(api, dispatcher)["teams"]}
    assert teams[team.pk]["has_tablet"] and not teams[team.pk]["tablet_quiet"]
    assert teams[team.pk]["tablet_seen_at"]
    assert teams[quiet_team.pk]["tablet_quiet"] is True
    assert teams[no_tablet.pk]["has_tablet"] is False and teams[no_tablet.pk]["tablet_quiet"] is False
