"""A refused page is a page of the product that says where to go, an analyst starts on the
program's measures (/insights/, whose menu links the other pages an analyst opens), and finance
staff start on a list of what they can open."""

import pytest
from django.test import Client

from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_partner_on_the_board_gets_the_products_403_with_the_way_back():
    partner = UserFactory(role="partner", partner_organization=OrganizationFactory())
    response = _client(partner).get("/board/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "css/firstline.css" in page and 'class="topbar"' in page
    assert "This page is not open to your role" in page
    assert "The board is for dispatchers and supervisors." in page
    assert 'href="/">Go to your start page' in page
    assert "403 Forbidden" not in page


def test_the_403_is_in_the_readers_language():
    analyst = UserFactory(role="analyst", language="es")
    page = _client(analyst).get("/board/").content.decode()
    assert "Esta página no está abierta a su función" in page


def test_an_analyst_starts_on_the_insights_pages_which_link_what_an_analyst_can_open():
    client = _client(UserFactory(role="analyst"))
    start = client.get("/")
    assert start.status_code == 302 and start["Location"] == "/insights/"
    page = client.get("/insights/").content.decode()
    assert 'href="/funding/"' in page and 'href="/public/budget/"' in page and 'href="/insights/export/"' in page
    assert 'href="/funding/billable/"' not in page and 'href="/funding/import/"' not in page
    assert 'href="/admin/funding/"' not in page  # analysts do not enter the admin
    # Every link on the list opens for the analyst.
    for url in ("/funding/", "/public/budget/", "/insights/export/"):
        assert _client(UserFactory(role="analyst")).get(url).status_code == 200


def test_finance_staff_also_find_billable_encounters_the_import_and_the_funding_admin():
    finance = UserFactory(role="finance")
    page = _client(finance).get("/").content.decode()
    for url in ("/funding/", "/funding/billable/", "/funding/import/", "/public/budget/", "/admin/funding/"):
        assert f'href="{url}"' in page
        assert _client(finance).get(url).status_code == 200, url
