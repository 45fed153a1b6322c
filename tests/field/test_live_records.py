"""A tablet follows live events without fetching its whole working set (issue 20 item 2): a new call,
an acknowledgement on another tablet, an encounter written by a colleague and an address corrected by
dispatch each reach the store as one small request for the record the event names; the bootstrap is
not fetched again."""

import pytest

from apps.incidents.services import assignment_acknowledge, encounter_record, incident_update
from apps.teams.services import team_set_status
from tests.factories import MembershipFactory, UserFactory
from tests.field.browser import in_thread, until
from tests.field.helpers import assigned_call

pytestmark = [pytest.mark.browser, pytest.mark.services]


def watch_requests(page):
    """Every request to the field API from now on, by path."""
    seen = []
    page.on("request", lambda request: seen.append(request.url.split("?")[0].split("/api/v1/field/")[-1]))
    return seen


def test_events_update_the_tablet_record_by_record_without_the_bootstrap(
    field_app, responder, tablet_device, dispatcher, team
):
    colleague = UserFactory(role="responder", username="responder-colleague")
    MembershipFactory(team=team, user=colleague)
    _context, page = field_app(responder, tablet_device)
    page.wait_for_function("() => document.body.dataset.conn === 'live'", timeout=15000)
    # The tablets' lane, which a deploy's proxy sends to processes of their own (deploy/nginx.conf).
    assert page.evaluate("FL.state.stream.socket.url").endswith("/ws/v1/stream/?lane=field")
    seen = watch_requests(page)

    in_thread(team_set_status, actor=dispatcher, team_id=team.pk, status="out_of_service")
    assert until(page, "FL.state.boot.team.status === 'out_of_service'", timeout=15)  # complete in the event
    in_thread(team_set_status, actor=dispatcher, team_id=team.pk, status="available")
    assert until(page, "FL.state.boot.team.status === 'available'", timeout=15)

    incident, assignment = in_thread(assigned_call, dispatcher, team, location_text="Sloan's Lake")
    takeover = page.locator("#new-call")
    takeover.wait_for(state="visible", timeout=15000)
    assert "Sloan's Lake" in takeover.inner_text()

    in_thread(assignment_acknowledge, actor=colleague, assignment_id=assignment.pk)
    takeover.wait_for(state="hidden", timeout=15000)  # acknowledged on another tablet of the team

    version = in_thread(
        encounter_record,
        actor=colleague,
        incident_id=incident.pk,
        assignment_id=assignment.pk,
        disposition="resolved_on_scene",
        narrative="Walked with him to the shelter.",
    )
    has_encounter = f"FL.state.encounters.some((e) => e.id === '{version.encounter_id}')"
    assert until(page, has_encounter, timeout=15)

    # Dispatch corrects the address: the team's tablet has it at once, not at its next full refresh.
    in_thread(incident_update, actor=dispatcher, incident_id=incident.pk, location_text="1500 Larimer St")
    assert until(page, "JSON.stringify(FL.state.boot.assignments).includes('1500 Larimer St')", timeout=15)

    assert "bootstrap/" not in seen, seen
    assert seen.count(f"assignments/{assignment.pk}/") == 3, seen  # created, acknowledged, address corrected
    assert seen.count(f"encounters/{version.encounter_id}/") == 1, seen
    assert page.evaluate("document.body.dataset.boots") == "1"  # the one at sign-in
