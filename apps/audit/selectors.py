from apps.audit.models import AuditEntry


def audit_entries_for(*, object_type: str, object_id) -> "list[AuditEntry]":
    return AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id)).select_related("actor")
