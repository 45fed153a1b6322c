"""The site's own error pages, in the reader's language: a 404 in the site's style, and a 500 that
needs nothing from the request (Django renders it with no context)."""

import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import server_error

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_spanish_reader_gets_a_spanish_404_in_the_sites_style():
    response = Client().get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="es")
    page = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="es">' in page and "No encontramos esa página" in page
    assert "css/firstline.css" in page and "language-switch" in page
    assert "Not Found" not in page and "We could not find" not in page


def test_a_signed_in_persons_own_language_chooses_the_404s():
    user = UserFactory(username="lucia", language="es")
    client = Client()
    client.force_login(user)
    page = client.get("/nowhere/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No encontramos esa página" in page


def test_an_english_reader_gets_the_english_404():
    page = Client().get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "We could not find that page" in page


@pytest.mark.parametrize(("language", "words"), [("es", "Algo salió mal"), ("en", "Something went wrong")])
def test_the_500_page_renders_with_no_request_context_in_the_active_language(language, words):
    with translation.override(language):
        response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert words in page and f'<html lang="{language}">' in page and "css/firstline.css" in page
