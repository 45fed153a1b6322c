"""Who may change whose account in the admin, tried through the admin's own forms.

The attack: a supervisor resets another supervisor's (or an administrator's) password, signs in as
them and acts under their name. Only administrators manage supervisor and administrator accounts;
every credential change is audited.
"""

import re
from base64 import b32decode

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.accounts.selectors import second_factor_devices
from apps.accounts.services import second_factor_enrollment_start
from apps.audit.models import AuditEntry
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new pass phrase 77"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def password_url(user) -> str:
    return reverse("admin:auth_user_password_change", args=[user.pk])


def change_url(user) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def reset_password(client, user):
    return client.post(
        password_url(user),
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "set-password": "1"},
    )


def change_form_data(client, user, **changes) -> dict:
    page = client.get(change_url(user))
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields if form.initial.get(name) not in (None, False)}
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update({management.add_prefix(n): management[n].value() for n in management.fields})
    data.update(changes)
    return data


@pytest.fixture
def administrator(db):
    return UserFactory(role=Role.ADMINISTRATOR, username="administrator-a")


@pytest.fixture
def other_supervisor(db):
    return UserFactory(role=Role.SUPERVISOR, username="supervisor-b")


def test_a_supervisor_cannot_reset_another_supervisors_password(supervisor, other_supervisor):
    client = client_for(supervisor)
    assert client.get(password_url(other_supervisor)).status_code == 403
    assert reset_password(client, other_supervisor).status_code == 403
    other_supervisor.refresh_from_db()
    assert other_supervisor.check_password(PASSWORD)
    assert not Client().login(username=other_supervisor.username, password=NEW_PASSWORD)
    assert not AuditEntry.objects.filter(action="user.password.set").exists()


def test_a_supervisor_cannot_change_another_supervisors_account(supervisor, other_supervisor):
    client = client_for(supervisor)
    assert client.get(change_url(other_supervisor)).status_code == 200  # may look
    response = client.post(change_url(other_supervisor), {"username": "taken-over", "role": "responder"})
    assert response.status_code == 403
    other_supervisor.refresh_from_db()
    assert (other_supervisor.username, other_supervisor.role) == ("supervisor-b", Role.SUPERVISOR)


def test_a_supervisor_cannot_reset_an_administrators_password(supervisor, administrator):
    assert reset_password(client_for(supervisor), administrator).status_code == 403
    administrator.refresh_from_db()
    assert administrator.check_password(PASSWORD)


def test_a_supervisor_resets_a_responders_password_and_it_is_audited(supervisor, responder):
    response = reset_password(client_for(supervisor), responder)
    assert response.status_code == 302
    responder.refresh_from_db()
    assert responder.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.get(action="user.password.set")
    assert (entry.actor, entry.object_id, entry.door) == (supervisor, str(responder.pk), "admin")
    assert NEW_PASSWORD not in str(entry.detail)


def test_an_administrator_resets_a_supervisors_password_and_it_is_audited(administrator, other_supervisor):
    assert reset_password(client_for(administrator), other_supervisor).status_code == 302
    other_supervisor.refresh_from_db()
    assert other_supervisor.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.get(action="user.password.set")
    assert (entry.actor, entry.object_id) == (administrator, str(other_supervisor.pk))


def test_a_failed_password_form_is_not_audited_as_a_change(supervisor, responder):
    client = client_for(supervisor)
    response = client.post(
        password_url(responder),
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": "different", "set-password": "1"},
    )
    assert response.status_code == 200
    assert not AuditEntry.objects.filter(action="user.password.set").exists()


def test_a_role_change_by_an_administrator_is_audited_with_before_and_after(administrator, responder):
    client = client_for(administrator)
    response = client.post(change_url(responder), change_form_data(client, responder, role="supervisor"))
    assert response.status_code == 302, response.content.decode()[:2000]
    responder.refresh_from_db()
    assert responder.role == Role.SUPERVISOR
    entry = AuditEntry.objects.get(action="user.role.change")
    assert (entry.actor, entry.detail) == (administrator, {"from": "responder", "to": "supervisor"})


def test_a_supervisor_cannot_demote_another_supervisor(supervisor, other_supervisor):
    client = client_for(supervisor)
    data = change_form_data(client, other_supervisor, role="responder")
    assert client.post(change_url(other_supervisor), data).status_code == 403
    other_supervisor.refresh_from_db()
    assert other_supervisor.role == Role.SUPERVISOR


def test_only_an_administrator_resets_a_supervisors_second_factor_and_it_is_audited(
    supervisor, other_supervisor, administrator, settings
):
    settings.FIRSTLINE_MFA_ROLES = ["supervisor", "administrator"]
    device, _ = second_factor_enrollment_start(user=other_supervisor)
    device.confirmed = True
    device.save()
    action = {"action": "reset_second_factor", "_selected_action": [other_supervisor.pk]}

    client_for(supervisor).post(reverse("admin:accounts_user_changelist"), action, follow=True)
    assert second_factor_devices(other_supervisor)
    assert not AuditEntry.objects.filter(action="mfa.device.remove", outcome="ok").exists()

    client = client_for(administrator)
    # The administrator's own session owes a second factor too; give it one the way a person would.
    verified = _verified_session(client, administrator)
    verified.post(reverse("admin:accounts_user_changelist"), action, follow=True)
    assert second_factor_devices(other_supervisor) == []
    entry = AuditEntry.objects.get(action="mfa.device.remove")
    assert (entry.actor, entry.object_id) == (administrator, str(other_supervisor.pk))


def _verified_session(client, user) -> Client:
    page = client.get("/accounts/second-factor/").content.decode()
    secret = re.search(r'id="totp-secret">([A-Z2-7=]+)<', page).group(1)
    assert client.post("/accounts/second-factor/", {"code": f"{totp(b32decode(secret)):06d}"}).status_code == 302
    return client


def test_users_listed_by_a_supervisor_include_every_role(supervisor, other_supervisor):
    page = client_for(supervisor).get(reverse("admin:accounts_user_changelist"))
    assert page.status_code == 200
    assert other_supervisor.username in page.content.decode()
    assert User.objects.filter(role=Role.SUPERVISOR).count() == 2
