"""axe-core on every page of the product, as each role opens it, in headless Chromium against a real
server: a serious or critical violation fails (tests/a11y.py). The board has its own in
tests/board/test_board_layout.py; the tablet app is checked in tests/field."""

import pytest

from tests.a11y import axe_violations
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "call_taker": ["/intake/screen/"],
    "supervisor": ["/admin/", "/followups/supervision/", "/funding/", "/admin/incidents/incident/"],
    # An analyst starts on /insights/ (tests/insights/test_pages_browser.py checks its pages); the board
    # refuses an analyst: the 403 page.
    "analyst": ["/", "/funding/", "/board/"],
    "finance": ["/", "/funding/billable/", "/funding/import/"],
    "partner": ["/partners/", "/resources/capacity/", "/no-such-page/"],
}


REFUSED = {"/board/": 403, "/no-such-page/": 404}


def _check(page, paths) -> dict:
    found = {}
    for path in paths:
        response = page.goto(path)
        assert response.status == REFUSED.get(path, 200), path
        page.wait_for_load_state("networkidle")
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    return found


@pytest.mark.parametrize("role", sorted(PAGES))
def test_every_page_a_role_opens_passes_axe(browser_login, role, partner_user):
    user = partner_user if role == "partner" else UserFactory(role=role, username=f"{role}-axe")
    page = browser_login(user, path=None)
    assert _check(page, PAGES[role]) == {}


def test_the_pages_before_signing_in_pass_axe(chromium, asgi_server):
    context = chromium.new_context(base_url=asgi_server.url, viewport={"width": 1280, "height": 800})
    try:
        assert _check(context.new_page(), ["/accounts/login/", "/public/budget/"]) == {}
    finally:
        context.close()
