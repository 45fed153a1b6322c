"""On-scene check-ins in the browser: a team on scene past its check-in time sees "All OK?" over the
call view; the board, alerted by the sweep, marks the team overdue; one tap on the tablet answers and
the board shows the time to the next check-in."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.incidents import services as incident_services
from apps.safety.models import SceneCheck
from apps.safety.services import checkins_sweep
from tests.field.browser import eventually, in_thread
from tests.field.helpers import assigned_call

pytestmark = [pytest.mark.browser, pytest.mark.services]


def test_a_late_check_in_alerts_the_board_and_one_tap_on_the_tablet_answers_it(
    field_app, browser_login, responder, tablet_device, dispatcher, team
):
    _incident, assignment = assigned_call(dispatcher, team, location_text="Riverside Park")
    arrived = timezone.now() - timedelta(minutes=20)
    for status in ("en_route", "on_scene"):
        incident_services.assignment_set_status(actor=responder, assignment_id=assignment.pk, status=status, at=arrived)
    board = browser_login(dispatcher, path="/board/")
    board.wait_for_selector("#board[data-stream=live]", timeout=15000)
    team_row = board.locator(f"[data-checkin='{team.pk}']")
    team_row.wait_for()
    assert "Check-in due" in team_row.inner_text()

    assert in_thread(checkins_sweep) == [assignment.pk]
    board.wait_for_selector(f"[data-checkin='{team.pk}'].checkin-overdue:has-text('Check-in overdue')", timeout=5000)
    assert "has not answered its check-in" in board.inner_text("#flash")

    _context, page = field_app(responder, tablet_device)
    page.click(".call-card:has-text('Riverside Park')")
    prompt = page.locator("#checkin")
    prompt.wait_for(state="visible", timeout=10000)
    assert "All OK?" in prompt.inner_text()
    page.click("[data-checkin-ok]")
    prompt.wait_for(state="hidden", timeout=5000)
    assert eventually(
        lambda: SceneCheck.objects.filter(assignment=assignment, overdue_at__isnull=True, answers=1).exists()
    )
    board.wait_for_selector(f"[data-checkin='{team.pk}']:has-text('Next check-in in')", timeout=5000)
    page.wait_for_timeout(5500)  # the tablet looks again every 5 s: answered, it does not ask again
    assert prompt.is_hidden()
