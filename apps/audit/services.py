"""The one function every service calls to leave an audit trail.

Inside `audit_batch()` (a caller applying many changes in one transaction: the tablet's sync) the
rows are held and written in one INSERT as the batch ends, still in that transaction; a row added
inside a savepoint that rolls back is dropped with it (apps/common/batching.py). Services do not
know whether a batch is open: they call `audit_record` either way.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from apps.audit import chain
from apps.audit.actions import audit_action_check
from apps.audit.context import current_context
from apps.audit.models import AuditEntry, Outcome
from apps.common.batching import RowBuffer
from apps.common.bulk import bulk_insert


def _entry(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: Any = "",
    outcome: str = Outcome.OK,
    detail: dict | None = None,
    door: str | None = None,
    record_ids: list | None = None,
) -> AuditEntry:
    audit_action_check(action)
    context = current_context()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry(
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
        record_ids=[str(i) for i in record_ids or []],
    )


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
    record_ids: list | None = None,
) -> AuditEntry:
    """One row. `record_ids` names every record a read disclosed (a list, a followed stream)."""
    entry = _entry(
        actor=actor,
        action=action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        outcome=outcome,
        detail=detail,
        door=door,
        record_ids=record_ids,
    )
    if not _held.add(entry):
        entry.save()
    return entry


def audit_record_many(*, actor, action: str, objects: list[models.Model], detail: dict | None = None) -> int:
    """One row per record, written and chained in one go (a bulk import, a sweep)."""
    if not objects:
        return 0
    return _write_many([_entry(actor=actor, action=action, obj=obj, detail=detail) for obj in objects])


def _write_many(entries: list[AuditEntry]) -> int:
    """Rows written and chained in one go."""
    if not entries:
        return 0
    # No savepoint of its own inside the caller's transaction: a failure here fails the caller's work.
    with transaction.atomic(savepoint=False):
        bulk_insert(AuditEntry, entries)
        chain.seal_pending()
    return len(entries)


_held = RowBuffer("audit", _write_many)


@contextmanager
def audit_batch() -> Iterator[None]:
    """Hold every audit row written in this block and write them in one go as it ends (in the
    caller's transaction). A row written inside a savepoint that rolls back is dropped with it."""
    with _held.batch():
        yield


def audit_reads_once(*, actor, action: str, object_type: str, object_ids: list, detail: dict, within: timedelta) -> int:
    """Disclosures a refresh repeats (a tablet's working set, fetched again on every event): one row
    per record per reader per `within`, written in one go. The first disclosure of each record in
    that window is on the log; refetching what this reader already holds adds nothing to know."""
    ids = sorted({str(i) for i in object_ids if i not in (None, "")})
    if not ids:
        return 0
    since = timezone.now() - within
    recent = set(
        AuditEntry.objects.filter(
            actor=actor, action=action, object_type=object_type, object_id__in=ids, outcome=Outcome.OK, at__gte=since
        ).values_list("object_id", flat=True)
    )
    return _write_many(
        [
            _entry(actor=actor, action=action, object_type=object_type, object_id=i, detail=detail)
            for i in ids
            if i not in recent
        ]
    )
