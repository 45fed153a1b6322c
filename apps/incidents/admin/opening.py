"""The audit row written when a supervisor opens a person's record in the admin."""

from apps.audit.models import Door
from apps.audit.services import audit_record


def audit_opening(model_admin, request, object_id, action: str, *, target=None, detail=None):
    """Record that a supervisor opened a person's record, then nothing else changes."""
    obj = target if target is not None else model_admin.get_object(request, object_id)
    if obj is not None:
        audit_record(actor=request.user, action=action, obj=obj, door=Door.ADMIN, detail=detail)
