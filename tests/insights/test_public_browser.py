"""The public pages in a real browser, signed out: the numbers, the Spanish words, and no serious
or critical axe-core violation on the dashboard, how we count and open data."""

import pytest
from django.core.cache import cache

from apps.insights.services import releases_publish
from tests.a11y import assert_accessible
from tests.insights import public_data

pytestmark = [pytest.mark.browser, pytest.mark.services]
RANGE = "?from=2026-09-01&to=2026-10-31"


@pytest.fixture
def visitor(chromium, asgi_server):
    cache.clear()
    public_data.write()
    releases_publish()
    contexts = []

    def open_page(path, **options):
        context = chromium.new_context(base_url=asgi_server.url, viewport={"width": 1280, "height": 800}, **options)
        contexts.append(context)
        page = context.new_page()
        page.goto(path)
        return page

    yield open_page
    for context in contexts:
        context.close()
    cache.clear()


def test_anyone_reads_the_dashboard_without_signing_in(visitor):
    page = visitor(f"/transparency/{RANGE}")
    assert page.url.endswith(f"/transparency/{RANGE}")  # not sent to the sign-in form
    assert page.inner_text("h1") == "How the program is doing"
    assert page.inner_text("[data-measure='calls'] .headline-value") == "126"
    assert "hidden" in page.inner_text("#by-source-title ~ .table-scroll")
    assert page.locator("a[href='/public/budget/']").count() >= 1
    assert page.locator("svg[aria-labelledby^=chart-calls-by-month]").count() == 1  # with the table beside it
    assert_accessible(page)


def test_how_we_count_and_open_data_are_accessible(visitor):
    page = visitor("/transparency/how-we-count/")
    assert page.locator("#measure-calls dd").first.inner_text().startswith("Every call for service")
    assert_accessible(page)
    page.click("nav.public-nav >> text=Open data")
    page.wait_for_selector("#open-data-releases")
    assert page.locator("a[href='/open-data/2026-09/datapackage.json']").count() == 1
    assert_accessible(page)


def test_a_bad_range_says_which_date_is_wrong_and_stays_accessible(visitor):
    page = visitor("/transparency/?from=2026-09-05&to=2026-10-31")
    assert "first day of a month" in page.inner_text("#from-error")
    assert page.get_attribute("#range-from", "aria-invalid") == "true"
    assert_accessible(page)


def test_the_dashboard_in_spanish(visitor):
    page = visitor(f"/transparency/{RANGE}", locale="es-ES", extra_http_headers={"Accept-Language": "es"})
    assert page.get_attribute("html", "lang") == "es"
    assert page.inner_text("h1") == "Cómo va el programa"
    assert "oculto" in page.inner_text("#by-source-title ~ .table-scroll")
    assert_accessible(page)
