"""The tablet reports where it is (AVL) with the browser's Geolocation: at once when the team is
available, queued with no signal (the responder's count of changes is not inflated), and sent in
order when the signal returns; the board shows the position with its age and accuracy."""

import pytest

from apps.teams.models import PositionReport, Team
from apps.teams.services import team_set_status
from tests.field.browser import eventually, until
from tests.servers import AsgiServer

pytestmark = [pytest.mark.browser, pytest.mark.services]

PARK = {"latitude": 39.7521, "longitude": -104.9988, "accuracy": 8}
BRIDGE = {"latitude": 39.7560, "longitude": -104.9950, "accuracy": 12}
SHELTER = {"latitude": 39.7600, "longitude": -104.9900, "accuracy": 5}


@pytest.fixture
def asgi_server(transactional_db):
    """This module's server: reports every second while moving, so the test needs no long waits."""
    server = AsgiServer(
        extra_env={"FIRSTLINE_POSITION_REPORT_SECONDS": "1", "FIRSTLINE_POSITION_STILL_SECONDS": "60"}
    ).start()
    yield server
    server.stop()


def test_positions_reach_the_board_and_queue_in_order_with_no_signal(
    field_app, browser_login, responder, tablet_device, dispatcher, team
):
    team_set_status(actor=responder, team_id=team.pk, status="available")
    context, page = field_app(responder, tablet_device, geolocation=PARK)
    assert eventually(lambda: Team.objects.filter(pk=team.pk, last_position_accuracy_m=8).exists())
    board = browser_login(dispatcher, path="/board/")
    position = board.locator(f"[data-position='{team.pk}']")
    position.wait_for(timeout=10000)
    assert "(± 8 m)" in position.inner_text() and "position" in position.inner_text()

    context.set_offline(True)
    page.evaluate("window.dispatchEvent(new Event('offline'))")
    before = PositionReport.objects.count()
    context.set_geolocation(BRIDGE)
    page.wait_for_timeout(1500)
    context.set_geolocation(SHELTER)
    assert until(page, "FLStore.outboxAll().then((all) => all.filter((m) => m.type === 'position.report').length >= 2)")
    assert page.evaluate("document.body.dataset.pending") == "0"  # the responder's own changes: none
    assert PositionReport.objects.count() == before

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    assert eventually(lambda: PositionReport.objects.filter(latitude=SHELTER["latitude"]).exists())
    later = list(PositionReport.objects.filter(team=team).order_by("at").values_list("latitude", flat=True))
    assert later.index(BRIDGE["latitude"]) < later.index(SHELTER["latitude"])
    assert eventually(lambda: Team.objects.filter(pk=team.pk, last_latitude=SHELTER["latitude"]).exists())
    board.wait_for_selector(f"[data-position='{team.pk}']:has-text('(± 5 m)')", timeout=10000)
