"""Every role against every admin page: the list, add, change, delete and history page of every
registered model, found by walking the admin's registry (a new model is judged without a new line).

Supervisors and administrators enter the whole admin; finance staff enter its funding pages only
(their list and add pages open, every other app's page is refused); everyone else is sent to its
sign-in form or refused on every page, by GET and by POST, and nothing is created or deleted. Nobody
who enters meets a 500, and a model whose admin forbids deleting answers 403 on its delete page.
"""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from apps.accounts.roles import Role
from tests.factories import UserFactory
from tests.security.world import ROLES, build_world

pytestmark = pytest.mark.django_db

ADMIN_ROLES = {"supervisor", "administrator"}
# Roles that enter the admin for some apps only, and those apps (apps.accounts.roles.ADMIN_APPS_OF_ROLE).
ADMIN_APPS_OF = {"finance": {"funding"}}


def _reaches(role: str, model_admin) -> bool:
    if role in ADMIN_ROLES:
        return True
    return model_admin.model._meta.app_label in ADMIN_APPS_OF.get(role, ())


def _pages():
    """(model admin, page name, url) for every page of every registered model that has a row."""
    pages = []
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        for page in ("changelist", "add"):
            try:  # a report page may register a list only
                pages.append((model_admin, page, reverse("admin:{}_{}_{}".format(*info, page))))
            except NoReverseMatch:
                continue
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        for page in ("change", "delete", "history"):
            try:
                pages.append((model_admin, page, reverse(f"admin:{info[0]}_{info[1]}_{page}", args=[obj.pk])))
            except NoReverseMatch:
                continue
    return pages


def _refused(response) -> bool:
    location = response.get("Location", "")
    return response.status_code in (403, 404) or (response.status_code == 302 and "/login/" in location)


def _client(world, role):
    if role == "administrator":
        world.users["administrator"] = UserFactory(role=Role.ADMINISTRATOR, username="sec-administrator")
    return world.client_for(role)


@pytest.mark.parametrize("role", [*ROLES, "administrator"])
def test_every_admin_page_follows_the_role(role):
    world = build_world()
    client = _client(world, role)
    user = world.users.get(role)
    problems = []
    for model_admin, page, url in _pages():
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"GET {url} as {role}: {response.status_code}")
        elif not _reaches(role, model_admin):
            if not _refused(response):
                problems.append(f"GET {url} as {role}: {response.status_code}, expected refused")
        elif page == "changelist" and response.status_code != 200:
            problems.append(f"GET {url} as {role}: {response.status_code}, expected the list")
        elif page == "delete":
            request = RequestFactory().get(url)
            request.user = user
            allowed = model_admin.has_delete_permission(request)
            if not allowed and response.status_code != 403:
                problems.append(f"GET {url} as {role}: {response.status_code}, but the admin forbids deleting")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ADMIN_ROLES])
def test_posting_to_the_admin_changes_nothing_for_roles_outside_it(role):
    """Outside the pages a role reaches: finance staff post to every app's pages but the funding app's."""
    world = build_world()
    client = world.client_for(role)
    counts_before = {model: model._default_manager.count() for model in admin.site._registry}
    problems = []
    for model_admin, page, url in _pages():
        if page not in ("add", "change", "delete") or _reaches(role, model_admin):
            continue
        response = client.post(url, {"post": "yes", "name": "changed", "summary": "changed"})
        if not _refused(response):
            problems.append(f"POST {url} as {role}: {response.status_code}, expected refused")
    assert problems == [], "\n".join(problems)
    assert {model: model._default_manager.count() for model in admin.site._registry} == counts_before
    world.incident.refresh_from_db()
    assert world.incident.summary != "changed"
