"""The people pages of the supervisor admin: who may grant which role, partners' organizations, and
each person's team (added by the teams admin) without a query per row.
"""

import pytest
from django.urls import reverse

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.audit.models import AuditEntry
from tests.admin_pages import client_for, inline_management_data, url_for
from tests.factories import MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def user_add_data(client, **fields) -> dict:
    add = client.get(url_for(User, "add"))
    return {
        "password1": "a long enough pass phrase 42",
        "password2": "a long enough pass phrase 42",
        **inline_management_data(add),
        **fields,
    }


def test_a_supervisor_adds_a_responder(supervisor):
    client = client_for(supervisor)
    response = client.post(url_for(User, "add"), user_add_data(client, username="new-responder", role="responder"))
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="new-responder")
    assert user.role == Role.RESPONDER
    assert not user.is_staff
    assert AuditEntry.objects.filter(action="user.create", object_id=str(user.pk), door="admin").exists()


def test_a_supervisor_cannot_make_someone_a_supervisor(supervisor, responder):
    client = client_for(supervisor)
    response = client.post(url_for(User, "add"), user_add_data(client, username="promoted", role="supervisor"))
    assert response.status_code == 200
    assert "Only an administrator can make someone a supervisor or administrator." in response.content.decode()
    assert not User.objects.filter(username="promoted").exists()

    change = client.get(url_for(User, "change", responder.pk))
    form = change.context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields if form.initial.get(name) not in (None, False)}
    data.update({"role": "administrator", **inline_management_data(change)})
    response = client.post(url_for(User, "change", responder.pk), data)
    assert response.status_code == 200
    assert "Only an administrator" in response.content.decode()
    responder.refresh_from_db()
    assert responder.role == Role.RESPONDER


def test_an_administrator_can_make_someone_a_supervisor():
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    client = client_for(administrator)
    response = client.post(url_for(User, "add"), user_add_data(client, username="new-sup", role="supervisor"))
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="new-sup")
    assert user.role == Role.SUPERVISOR
    assert user.is_staff


def test_a_partner_user_needs_an_organization(supervisor):
    client = client_for(supervisor)
    response = client.post(url_for(User, "add"), user_add_data(client, username="partner-x", role="partner"))
    assert response.status_code == 200
    assert "must belong to a partner organization" in response.content.decode()


def test_a_supervisor_can_look_at_but_not_change_an_administrator(supervisor):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    client = client_for(supervisor)
    assert client.get(url_for(User, "change", administrator.pk)).status_code == 200
    response = client.post(url_for(User, "change", administrator.pk), {"username": "taken-over", "role": "responder"})
    assert response.status_code == 403
    assert client.get(reverse("admin:auth_user_password_change", args=[administrator.pk])).status_code == 403
    administrator.refresh_from_db()
    assert administrator.username != "taken-over"


def test_the_user_list_shows_each_persons_team_without_a_query_per_row(supervisor, django_assert_max_num_queries):
    for _ in range(5):
        MembershipFactory(team=TeamFactory(), user=UserFactory())
    client = client_for(supervisor)
    client.get(url_for(User, "changelist"))
    with django_assert_max_num_queries(12):
        response = client.get(url_for(User, "changelist"))
    assert response.status_code == 200
