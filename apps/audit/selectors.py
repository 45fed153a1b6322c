from apps.audit.models import AuditEntry, Outcome
from apps.audit.services import audit_record
from apps.common.errors import NotFound


def audit_entries_for(*, object_type: str, object_id) -> "list[AuditEntry]":
    return AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id)).select_related("actor")


def record_read_for(*, user, queryset, pk, action: str, missing: str):
    """One person's record from `queryset` (already limited to what `user` may see), with the read audited.

    A record the user may not see is answered like one that does not exist, and the attempt is
    audited as denied, so a refused look is as visible in the log as an allowed one.
    """
    record = queryset.filter(pk=pk).first()
    if record is None:
        audit_record(
            actor=user,
            action=action,
            object_type=queryset.model._meta.label_lower,
            object_id=pk,
            outcome=Outcome.DENIED,
        )
        raise NotFound(missing)
    audit_record(actor=user, action=action, obj=record)
    return record
