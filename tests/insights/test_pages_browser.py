"""The insights pages in Chromium against a real server: axe-core finds nothing serious or critical
on the measures, a measure's chart and table, the calls behind a number and the export, and the
chart carries its own words for a screen reader."""

import pytest

from apps.accounts.roles import Role
from apps.insights import services as insight_services
from tests.a11y import axe_violations
from tests.factories import UserFactory
from tests.insights.pages_data import build_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OCTOBER = "start=2026-10-01&end=2026-10-31"


def test_the_insights_pages_pass_axe_for_an_analyst_and_a_supervisor(browser_login):
    program = build_program()
    insight_services.rollups_rebuild()
    analyst = UserFactory(role=Role.ANALYST, username="insights-axe-analyst")
    found = {}
    page = browser_login(analyst, path="/")
    assert page.url.endswith("/insights/")  # the analyst's start page
    for path in (
        f"/insights/?{OCTOBER}",
        f"/insights/measures/calls/?{OCTOBER}&by=source",
        f"/insights/measures/calls/?{OCTOBER}&by=week",
        f"/insights/measures/to_on_scene/?{OCTOBER}&by=district",
        "/insights/export/",
    ):
        assert page.goto(path).status == 200, path
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    page.goto(f"/insights/measures/calls/?{OCTOBER}&by=source")
    chart = page.locator("figure.measure-chart svg[role=img]")
    assert chart.count() == 1
    assert "Highest: 911, 3." in chart.locator("desc").text_content()
    assert page.locator("#measure-table tfoot td").first.inner_text() == "5"

    supervisor = program["supervisor"]
    page = browser_login(supervisor, path=f"/insights/measures/calls/?{OCTOBER}&by=district")
    page.click("#measure-table a:text-is('north')")
    page.wait_for_selector("#calls-behind")
    assert page.locator("#calls-behind tbody tr").count() == 3
    violations = axe_violations(page)
    if violations:
        found[page.url] = violations
    assert found == {}
