"""The program's roles and the questions every door asks about them.

Keep every "who may" rule that depends only on a role here, so services, views and consumers ask
the same question the same way.
"""

from django.db import models


class Role(models.TextChoices):
    RESPONDER = "responder", "Responder"
    DISPATCHER = "dispatcher", "Dispatcher"
    CALL_TAKER = "call_taker", "Call-taker"
    SUPERVISOR = "supervisor", "Supervisor"
    PARTNER = "partner", "Partner"
    ANALYST = "analyst", "Analyst"
    ADMINISTRATOR = "administrator", "Administrator"


ADMIN_ROLES = {Role.SUPERVISOR, Role.ADMINISTRATOR}
DISPATCH_ROLES = {Role.DISPATCHER, Role.SUPERVISOR, Role.ADMINISTRATOR}
INCIDENT_CREATOR_ROLES = {Role.DISPATCHER, Role.CALL_TAKER, Role.SUPERVISOR, Role.ADMINISTRATOR}


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


def is_responder(user) -> bool:
    return role_of(user) == Role.RESPONDER
