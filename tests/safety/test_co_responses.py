"""Police, fire or EMS asked to a call, as a record: through the board's door and the tablet's sync,
who may ask, what each step writes (timeline, audit, events), the same id twice being one request,
times kept once, and an outcome changed by two people being a 409 that returns the other version."""

import uuid

import pytest
from django.utils import translation

from apps.audit.models import AuditEntry
from apps.incidents.models import IncidentLogEntry
from apps.incidents.timeline import shown_text
from apps.safety.models import CoResponse
from apps.safety.services import co_response_request
from apps.streams.models import Event
from tests.factories import DeviceFactory
from tests.field.helpers import assigned_call

pytestmark = pytest.mark.django_db

SYNC = "/api/v1/field/sync/"


def board_list(incident_id):
    return f"/api/v1/board/incidents/{incident_id}/co-responses/"


def board_one(co_response_id):
    return f"/api/v1/board/co-responses/{co_response_id}/"


@pytest.fixture
def tablet(api, responder, team):
    """The responder's tablet: a client of its own, so a test may also use `api` as the board."""
    client = api.__class__(enforce_csrf_checks=True)
    client.device = DeviceFactory(team=team)
    client.login_as(responder, device=client.device.pk)
    return client


def sync(client, *mutations):
    answer = client.post(SYNC, {"device": str(client.device.pk), "mutations": list(mutations)}, "json")
    assert answer.status_code == 200, answer.content
    return answer.json()["results"]


def mutation(kind, record, data, base_version=None):
    return {"id": str(uuid.uuid4()), "type": kind, "record": str(record), "data": data, "base_version": base_version}


def test_dispatch_asks_for_police_from_the_board_and_the_call_shows_it(api, dispatcher, team):
    incident, _assignment = assigned_call(dispatcher, team)
    api.login_as(dispatcher)
    answer = api.post(board_list(incident.pk), {"agency": "police", "reason": "weapon"}, "json")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["agency"], body["reason"], body["requested_via"], body["team"]) == ("police", "weapon", "board", None)
    listed = api.get(board_list(incident.pk)).json()
    assert [row["id"] for row in listed["co_responses"]] == [body["id"]]
    assert {a["code"] for a in listed["agencies"]} == {"police", "fire", "ems"}
    assert set(Event.objects.filter(kind="co_response.requested").values_list("stream", flat=True)) == {
        "board",
        f"team:{team.pk}",
    }
    entry = IncidentLogEntry.objects.get(incident=incident, kind="co_response")
    assert entry.text == "Police asked to come: A weapon is present."
    with translation.override("es"):
        assert shown_text(entry) == "Se pidió ayuda de Policía: Hay un arma."
    assert AuditEntry.objects.filter(action="co_response.request", actor=dispatcher).count() == 1
    assert AuditEntry.objects.filter(action="co_response.read", actor=dispatcher, object_id=str(incident.pk)).exists()
    # The incident's disposition is untouched: a co-response is its own record.
    incident.refresh_from_db()
    assert incident.disposition == ""


def test_a_tablet_asks_offline_then_records_arrival_departure_and_outcome(tablet, responder, dispatcher, team):
    incident, _assignment = assigned_call(dispatcher, team)
    record = uuid.uuid4()
    ask = mutation("co_response.request", record, {"incident": incident.pk, "agency": "ems", "reason": "medical"})
    results = sync(tablet, ask, ask)  # the outbox sent it twice
    assert [r["status"] for r in results] == ["applied", "duplicate"], results
    assert CoResponse.objects.filter(pk=record).count() == 1
    row = CoResponse.objects.get(pk=record)
    assert (row.team_id, row.requested_by, row.requested_via) == (team.pk, responder, "tablet")
    arrived = sync(tablet, mutation("co_response.update", record, {"arrived": True}))[0]
    assert arrived["status"] == "applied", arrived
    again = sync(tablet, mutation("co_response.update", record, {"arrived": True}))[0]
    row.refresh_from_db()
    assert again["status"] == "applied" and row.arrived_at is not None
    first_arrival = row.arrived_at
    sync(tablet, mutation("co_response.update", record, {"left": True, "outcome": "transported"}, base_version=2))
    row.refresh_from_db()
    assert row.arrived_at == first_arrival and row.left_at >= row.arrived_at and row.outcome == "transported"
    kinds = list(IncidentLogEntry.objects.filter(incident=incident, kind="co_response").values_list("text", flat=True))
    assert kinds == [
        "EMS (ambulance) asked to come: Medical emergency.",
        "EMS (ambulance) arrived.",
        "EMS (ambulance) left.",
        "EMS (ambulance): took the person to care.",
    ]
    bootstrap = tablet.get("/api/v1/field/bootstrap/").json()
    assert bootstrap["co_responses"][str(incident.pk)][0]["outcome"] == "transported"
    assert {r["code"] for r in bootstrap["vocab"]["co_response"]["reasons"]} >= {"weapon", "medical", "other"}


def test_an_outcome_changed_by_someone_else_is_a_conflict_that_keeps_both(api, tablet, dispatcher, team):
    incident, _assignment = assigned_call(dispatcher, team)
    record = uuid.uuid4()
    sync(
        tablet,
        mutation("co_response.request", record, {"incident": incident.pk, "agency": "police", "reason": "crime"}),
    )
    api.login_as(dispatcher)
    assert api.patch(board_one(record), {"outcome": "arrest", "base_version": 1}, "json").status_code == 200
    result = sync(tablet, mutation("co_response.update", record, {"outcome": "assisted"}, base_version=1))[0]
    assert result["status"] == "conflict", result
    assert CoResponse.objects.get(pk=record).outcome == "arrest"
    stale = api.patch(board_one(record), {"outcome": "not_needed", "base_version": 1}, "json")
    assert stale.status_code == 409 and stale.json()["server"]["outcome"] == "arrest"


def test_bad_input_is_a_400_with_field_errors_and_writes_nothing(api, tablet, dispatcher, team):
    incident, _assignment = assigned_call(dispatcher, team)
    api.login_as(dispatcher)
    answer = api.post(board_list(incident.pk), {"agency": "army", "reason": "weapon"}, "json")
    assert answer.status_code == 400 and "agency" in answer.json(), answer.content
    other = api.post(board_list(incident.pk), {"agency": "fire", "reason": "other", "reason_text": " "}, "json")
    assert other.status_code == 400 and "reason_text" in other.json(), other.content
    assert api.post(board_list(999999), {"agency": "fire", "reason": "fire_hazard"}, "json").status_code == 404
    record = uuid.uuid4()
    result = sync(tablet, mutation("co_response.request", record, {"incident": incident.pk, "agency": "police"}))[0]
    assert result["status"] == "rejected" and "reason" in str(result), result
    assert not CoResponse.objects.exists()


def test_only_dispatch_and_the_teams_on_the_call_may_ask(api, tablet, dispatcher, team, other_team, request):
    incident, _assignment = assigned_call(dispatcher, other_team)
    record = uuid.uuid4()
    result = sync(
        tablet,
        mutation("co_response.request", record, {"incident": incident.pk, "agency": "fire", "reason": "fire_hazard"}),
    )[0]
    assert result["status"] == "rejected", result
    for role in ("analyst", "call_taker", "responder"):
        api.login_as(request.getfixturevalue(role))
        assert api.post(board_list(incident.pk), {"agency": "fire", "reason": "fire_hazard"}, "json").status_code == 403
        assert api.get(board_list(incident.pk)).status_code == 403
    assert not CoResponse.objects.exists()
    asked = co_response_request(
        actor=dispatcher,
        co_response_id=uuid.uuid4(),
        incident_id=incident.pk,
        agency="fire",
        reason="fire_hazard",
        via="board",
    )
    for role in ("analyst", "call_taker", "responder", "partner_user"):
        api.login_as(request.getfixturevalue(role))
        assert api.patch(board_one(asked.pk), {"outcome": "assisted"}, "json").status_code in {403, 404}
    asked.refresh_from_db()
    assert asked.outcome == "" and asked.version == 1
