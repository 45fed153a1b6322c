"""GET /api/v1/board/rows/: the rows a live event changed, in the snapshot's own shapes, so the board
updates them instead of reloading the snapshot (issue 20 item 2)."""

import pytest

from apps.audit.models import AuditEntry
from apps.incidents import services
from tests.board.test_snapshot import make_calls
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_rows_are_the_snapshots_rows(api, dispatcher, team):
    first, _second, third = make_calls(dispatcher, 3, teams=[team])
    api.login_as(dispatcher)
    snapshot = api.get("/api/v1/board/").json()
    answer = api.get(f"/api/v1/board/rows/?incidents={first.pk},{third.pk}&teams={team.pk}")
    assert answer.status_code == 200, answer.content
    rows = answer.json()
    by_id = {row["id"]: row for row in snapshot["incidents"]}
    strip = lambda row: {k: v for k, v in row.items() if k != "age_seconds"}  # noqa: E731 (seconds move on)
    assert [strip(r) for r in rows["incidents"]] == [strip(by_id[i.pk]) for i in sorted((first, third), key=order)]
    assert rows["gone"] == []
    team_row = next(t for t in snapshot["teams"] if t["id"] == team.pk)
    strip_team = lambda row: {k: v for k, v in row.items() if k != "seconds_in_status"}  # noqa: E731
    assert [strip_team(t) for t in rows["teams"]] == [strip_team(team_row)]
    assert rows["teams"][0]["current_assignment"]["incident"] == first.pk


def order(incident):
    return (incident.priority, incident.received_at)


def test_a_call_no_longer_open_is_gone_and_the_read_is_audited_once(api, dispatcher):
    (call,) = make_calls(dispatcher, 1)
    services.incident_cancel(actor=dispatcher, incident_id=call.pk, reason="Duplicate")
    (other,) = make_calls(dispatcher, 1)
    api.login_as(dispatcher)
    rows = api.get(f"/api/v1/board/rows/?incidents={call.pk},{other.pk},999999").json()
    assert [r["id"] for r in rows["incidents"]] == [other.pk]
    assert rows["gone"] == [call.pk, 999999]
    reads = AuditEntry.objects.filter(actor=dispatcher, action="board.view", detail__via="board.rows")
    assert reads.count() == 1 and reads.get().record_ids == [str(other.pk)]


def test_a_recommendation_comes_with_the_row(api, dispatcher):
    (call,) = make_calls(dispatcher, 1)
    free = TeamFactory(status="available")
    api.login_as(dispatcher)
    rows = api.get(f"/api/v1/board/rows/?incidents={call.pk}").json()
    assert rows["incidents"][0]["recommended_team"]["id"] == free.pk
    assert rows["teams"] == []


@pytest.mark.parametrize("query", ["incidents=abc", "teams=1,x", "incidents=" + ",".join(map(str, range(1, 60)))])
def test_bad_ids_are_a_400_with_field_errors(api, dispatcher, query):
    api.login_as(dispatcher)
    answer = api.get(f"/api/v1/board/rows/?{query}")
    assert answer.status_code == 400
    assert set(answer.json()) & {"incidents", "teams"}


@pytest.mark.parametrize("role", ["responder", "call_taker", "analyst"])
def test_only_dispatch_roles_get_rows(api, role):
    api.login_as(UserFactory(role=role))
    assert api.get("/api/v1/board/rows/?incidents=1").status_code == 403
