"""Apply the retention periods: the one place that decides what is past them and hands each kind to
the app that owns it (incidents, follow-ups, intake, streams). This app sits on top and imports them;
none of them imports it.

Every run, dry or not, leaves one audit row with the cutoffs and the counts per record kind, and a
RetentionRun row that the next run reads to know where the previous one stopped.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from apps.audit.models import AuditEntry
from apps.audit.services import audit_record
from apps.followups.retention import followups_deidentify, referrals_deidentify
from apps.incidents.retention import incidents_deidentify
from apps.intake.retention import intake_payloads_forget
from apps.retention.conf import KINDS, retention_period
from apps.retention.models import RetentionRun
from apps.streams.models import Event
from apps.streams.services import stream_prune


def _previous_cutoff(kind: str) -> datetime | None:
    last = RetentionRun.objects.filter(dry_run=False, cutoffs__has_key=kind).first()
    return parse_datetime(last.cutoffs[kind]) if last else None


def _apply_kind(kind: str, *, cutoff: datetime, dry_run: bool) -> dict:
    if kind == "incidents":
        return incidents_deidentify(cutoff=cutoff, dry_run=dry_run)
    if kind == "referrals":
        return referrals_deidentify(cutoff=cutoff, dry_run=dry_run)
    if kind == "followups":
        return followups_deidentify(cutoff=cutoff, dry_run=dry_run)
    if kind == "intake_payloads":
        return intake_payloads_forget(cutoff=cutoff, since=_previous_cutoff(kind), dry_run=dry_run)
    if kind == "stream_events":
        if dry_run:
            return {"stream_events": Event.objects.filter(created_at__lt=cutoff).count()}
        return {"stream_events": stream_prune(older_than=cutoff)}
    if kind == "audit":
        return {"audit_entries_past_retention": AuditEntry.objects.filter(at__lt=cutoff).count()}
    raise ValueError(f"unknown record kind {kind!r}")


def retention_apply(*, dry_run: bool = False, actor=None, door: str = "command", now: datetime | None = None) -> dict:
    """De-identify or delete every record past its kind's period; answer the report.

    The report: {"dry_run", "cutoffs": {kind: iso or None (kept for ever)}, "counts": {kind: {...}}}.
    """
    now = now or timezone.now()
    cutoffs: dict = {}
    counts: dict = {}
    for kind in KINDS:
        period = retention_period(kind)
        if period is None:
            cutoffs[kind] = None
            counts[kind] = {}
            continue
        cutoff = now - period
        cutoffs[kind] = cutoff.isoformat()
        with transaction.atomic():
            counts[kind] = _apply_kind(kind, cutoff=cutoff, dry_run=dry_run)
    report = {"dry_run": dry_run, "cutoffs": cutoffs, "counts": counts}
    RetentionRun.objects.create(
        dry_run=dry_run, cutoffs={k: v for k, v in cutoffs.items() if v is not None}, counts=counts
    )
    audit_record(
        actor=actor,
        action="retention.dry_run" if dry_run else "retention.apply",
        object_type="retention.run",
        door=door,
        detail=report,
    )
    return report
