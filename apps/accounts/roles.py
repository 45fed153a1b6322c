"""The program's roles and the questions every door asks about them.

Keep every "who may" rule that depends only on a role here, so services, views and consumers ask
the same question the same way.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESPONDER = "responder", _("Responder")
    DISPATCHER = "dispatcher", _("Dispatcher")
    CALL_TAKER = "call_taker", _("Call-taker")
    SUPERVISOR = "supervisor", _("Supervisor")
    PARTNER = "partner", _("Partner")
    ANALYST = "analyst", _("Analyst")
    ADMINISTRATOR = "administrator", _("Administrator")
    FINANCE = "finance", _("Finance")


ADMIN_ROLES = {Role.SUPERVISOR, Role.ADMINISTRATOR}
# Who signs in to the admin site (config/admin.py). Finance staff enter too, but see only the apps
# in ADMIN_APPS_OF_ROLE: the program's money, never a person's record, an account or the audit.
ADMIN_ENTRY_ROLES = ADMIN_ROLES | {Role.FINANCE}
ADMIN_APPS_OF_ROLE = {Role.FINANCE: frozenset({"funding"})}
DISPATCH_ROLES = {Role.DISPATCHER, Role.SUPERVISOR, Role.ADMINISTRATOR}
INCIDENT_CREATOR_ROLES = {Role.DISPATCHER, Role.CALL_TAKER, Role.SUPERVISOR, Role.ADMINISTRATOR}
# Budgets, funding sources and spending: finance staff and supervisors keep them; analysts read the
# totals; people who answer calls, and partners, see none of the program's money.
FUNDING_WRITE_ROLES = {Role.FINANCE, Role.SUPERVISOR, Role.ADMINISTRATOR}
FUNDING_READ_ROLES = FUNDING_WRITE_ROLES | {Role.ANALYST}
# The program's measures (/insights/): analysts and supervisors read the aggregates and the
# de-identified rows; only supervisors open the calls behind a number (people's records).
INSIGHTS_ROLES = {Role.ANALYST, Role.SUPERVISOR, Role.ADMINISTRATOR}


def role_of(user) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.role


def is_supervisor(user) -> bool:
    return role_of(user) in ADMIN_ROLES


def can_dispatch(user) -> bool:
    return role_of(user) in DISPATCH_ROLES


def can_create_incident(user) -> bool:
    return role_of(user) in INCIDENT_CREATOR_ROLES


def may_enter_admin(user) -> bool:
    return role_of(user) in ADMIN_ENTRY_ROLES or bool(getattr(user, "is_superuser", False) and user.is_active)


def admin_apps_of(user) -> frozenset[str] | None:
    """The admin apps this user is limited to, or None for every app (supervisors, administrators)."""
    if getattr(user, "is_superuser", False):
        return None
    return ADMIN_APPS_OF_ROLE.get(role_of(user))


def may_keep_funding(user) -> bool:
    return role_of(user) in FUNDING_WRITE_ROLES or bool(getattr(user, "is_superuser", False) and user.is_active)


def may_read_funding_totals(user) -> bool:
    return role_of(user) in FUNDING_READ_ROLES or may_keep_funding(user)


def may_read_insights(user) -> bool:
    return role_of(user) in INSIGHTS_ROLES


def may_open_calls_behind_insights(user) -> bool:
    """The calls behind a number are people's records: supervisors only, never analysts."""
    return is_supervisor(user)


def is_responder(user) -> bool:
    return role_of(user) == Role.RESPONDER


def may_manage_account(actor, account) -> bool:
    """Who may change another account's details, password, role or second factor.

    Administrators (and superusers) manage everyone; a supervisor manages only the roles below
    supervisor, so one supervisor can never take over another's account or an administrator's.
    Only a superuser manages a superuser.
    """
    if role_of(actor) is None:
        return False
    if account.is_superuser:
        return actor.is_superuser
    if actor.is_superuser or actor.role == Role.ADMINISTRATOR:
        return True
    return actor.role == Role.SUPERVISOR and account.role not in ADMIN_ROLES
