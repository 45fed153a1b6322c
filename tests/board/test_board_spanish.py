"""A Spanish-speaking dispatcher runs the board in Spanish: the switch in the header, a new call, an
assignment, the detail panel with its timeline and the call type's name, with no English on screen."""

import pytest

from apps.incidents import services
from tests.common.spanish import english_left
from tests.factories import CallTypeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_dispatcher_runs_the_board_in_spanish(browser_login, dispatcher, team):
    # A person's name is not English even when it is an English word ("Mark" failed CI once).
    dispatcher.first_name, dispatcher.last_name = "Mark", "Will"
    dispatcher.save(update_fields=["first_name", "last_name"])
    call_type = CallTypeFactory(code="welfare_check", name="Welfare check", names={"es": "Comprobación de bienestar"})
    incident = services.incident_create(
        actor=dispatcher,
        summary="Hombre angustiado en la parada",
        location_text="Estación Union",
        priority=1,
        call_type=call_type.code,
    )
    page = browser_login(dispatcher, path="/board/")
    page.click(".language-switch button[value=es]")
    page.wait_for_selector("html[lang=es] #board[data-stream=live]", timeout=15000)
    call = page.locator(f"[data-incident='{incident.pk}']")
    call.get_by_text("Asignar").first.wait_for(timeout=10000)
    page.wait_for_selector("#detail .timeline li:has-text('Llamada recibida de 911.')")
    call.get_by_text("Comprobación de bienestar").first.wait_for(timeout=10000)
    assert english_left(page) == []

    page.locator(f"[data-incident='{incident.pk}'] [data-assign='{team.pk}']").click()
    call.get_by_text(f"{team.call_sign} · Despachado").wait_for(timeout=10000)
    page.wait_for_selector("#detail li:has-text('Despachado')", timeout=10000)
    page.wait_for_selector(f"#detail .timeline li:has-text('{team.call_sign} enviado a la llamada.')", timeout=10000)
    assert english_left(page) == []
