"""The admin's call list fits a supervisor's 1440 px screen: no table wider than its page."""

import pytest

from apps.incidents import services
from apps.incidents.models import CallType, Incident
from tests.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_incident_list_fits_1440_px(browser_login, supervisor):
    CallType.objects.create(code="welfare", name="Welfare check for a person in distress outdoors")
    for i in range(8):
        services.incident_create(
            actor=supervisor,
            summary=f"Call {i}",
            location_text="Colfax Ave and Broadway, by the bus shelter on the north side",
            call_type="welfare",
            district="Capitol Hill North",
        )
    for incident in Incident.objects.all()[:4]:
        Incident.objects.filter(pk=incident.pk).update(disposition="declined_services")
    page = browser_login(supervisor, path="/admin/incidents/incident/", viewport={"width": 1440, "height": 900})
    page.wait_for_selector("#result_list")
    widths = page.evaluate(
        "(() => { const box = document.querySelector('#changelist .results');"
        " const t = document.querySelector('#result_list');"
        " return {table: t.scrollWidth, box: box.clientWidth, page: document.documentElement.clientWidth,"
        " scroll: document.documentElement.scrollWidth}; })()"
    )
    print(f"admin incidents at 1440: table {widths['table']}px in a {widths['box']}px box")
    assert widths["scroll"] <= widths["page"]
    assert widths["table"] <= widths["box"]  # no column cut off behind the box's own scrollbar
    assert_accessible(page)


def test_a_calls_page_with_its_teams_and_timeline_fits_1440_px(browser_login, supervisor, team):
    incident = services.incident_create(
        actor=supervisor,
        summary="A long summary of what the caller said " * 6,
        location_text="Colfax Ave and Broadway, by the bus shelter on the north side",
    )
    services.incident_assign(actor=supervisor, incident_id=incident.pk, team_id=team.pk)
    page = browser_login(
        supervisor, path=f"/admin/incidents/incident/{incident.pk}/change/", viewport={"width": 1440, "height": 900}
    )
    page.wait_for_selector("#content-main")
    widths = page.evaluate(
        "({page: document.documentElement.clientWidth, scroll: document.documentElement.scrollWidth,"
        " widest: Math.max(...[...document.querySelectorAll('table')].map((t) => t.getBoundingClientRect().right))})"
    )
    print(f"admin incident page at 1440: widest table right edge {widths['widest']:.0f}px")
    assert widths["scroll"] <= widths["page"] and widths["widest"] <= widths["page"]
