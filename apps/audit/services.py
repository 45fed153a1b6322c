"""The one function every service calls to leave an audit trail."""

from typing import Any

from django.db import models

from apps.audit.context import current_context
from apps.audit.models import AuditEntry, Outcome


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: Any = "",
    outcome: str = Outcome.OK,
    detail: dict | None = None,
    door: str | None = None,
) -> AuditEntry:
    context = current_context()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if authenticated else None,
        actor_username=actor.get_username() if authenticated else "",
        actor_role=getattr(actor, "role", "") if authenticated else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id not in (None, "") else "",
        door=door or context.door,
        ip=context.ip,
        outcome=outcome,
        detail=detail or {},
    )
