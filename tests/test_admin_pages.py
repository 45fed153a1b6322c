"""The admin's first page leads a supervisor to every page of the program they work with, and the
admin's names read as English (no "deliverys")."""

import re

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOT_PAGES = ("/api/", "/admin/", "/accounts/", "/i18n/", "/jsi18n/", "/open311/", "/healthz", "/readyz", "/metrics")


def _plain_paths(patterns=None, prefix=""):
    """Every address of the site that takes no parameter."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _plain_paths(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern) and "<" not in route and "(" not in route and "^" not in route:
            yield "/" + prefix + route


def test_every_page_a_supervisor_can_open_is_linked_from_the_admin_index():
    client = Client()
    client.force_login(UserFactory(role="supervisor"))
    index = client.get("/admin/").content.decode()
    assert 'href="/followups/supervision/"' in index
    missing = []
    for path in sorted(set(_plain_paths())):
        if path == "/" or path.startswith(NOT_PAGES) or path.startswith("/field/"):
            continue
        response = client.get(path)
        is_page = response.status_code == 200 and response["Content-Type"].startswith("text/html")
        if is_page and f'href="{path}"' not in index:
            missing.append(path)
    assert missing == []


def test_every_link_on_the_admin_index_opens_for_a_supervisor():
    client = Client()
    client.force_login(UserFactory(role="supervisor"))
    index = client.get("/admin/").content.decode()
    pages = re.findall(r'<li><a href="(/[^"]*)">', index.split('id="supervisor-pages"')[1].split("</ul>")[0])
    assert len(pages) == 15
    for url in pages:
        assert client.get(url).status_code == 200, url


def test_model_names_in_the_admin_are_proper_plurals():
    wrong = [
        str(model._meta.verbose_name_plural)
        for model in admin.site._registry
        if str(model._meta.verbose_name_plural).endswith("ys")
        and str(model._meta.verbose_name_plural)[-3] not in "aeiou"
    ]
    assert wrong == []
