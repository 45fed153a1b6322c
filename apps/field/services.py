"""Applying a tablet's batch of mutations, each exactly once, through the domain services.

Nothing here changes a domain record itself: every mutation type maps onto one service of the app
that owns the record (apps/field/mutations.py: incidents, follow-ups, safety), which checks permission,
locks, audits and appends events. This module only adds the exactly-once bookkeeping (AppliedMutation) and turns each
service's answer into one result per mutation. It must never write a change without its
AppliedMutation row in the same transaction.

A batch is one transaction, each mutation in a savepoint of its own, so one that fails is undone
alone and the rest still apply. A tablet's batches take turns (a lock held until commit), so one sent
again while the first is being applied waits, then answers `duplicate` from the first's answers. The
answers' unique key, written in the same transaction, is what makes a mutation apply at most once.
The audit rows, timeline entries and events the services write are held while the batch runs and
written in one go at its end (apps/audit, apps/incidents, apps/streams batches), each dropped with
its mutation's savepoint if that mutation failed; the events ring after commit.
"""

import hashlib
import json
import logging
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, DataError, IntegrityError, OperationalError, transaction
from django.utils.translation import gettext as _
from rest_framework import serializers

from apps.accounts.models import Device, User
from apps.accounts.services import device_seen
from apps.audit.models import Outcome
from apps.audit.services import audit_batch, audit_record
from apps.common import metrics
from apps.common.api import validation_error_detail
from apps.common.batching import changes_isolated, forget_reads, reads_once
from apps.common.bulk import bulk_insert
from apps.common.errors import ApplicationError, Conflict, NotFound, PermissionRefused
from apps.common.locks import hold_until_commit
from apps.field.lookups import BatchLookups
from apps.field.models import AppliedMutation
from apps.field.mutations import HANDLERS, MutationContext
from apps.incidents.hooks import encounter_recorded_batch
from apps.incidents.services import encounter_writes_flush, encounter_writes_held, timeline_batch
from apps.streams.services import stream_batch

logger = logging.getLogger(__name__)

APPLIED, DUPLICATE, CONFLICT, REJECTED = "applied", "duplicate", "conflict", "rejected"
# The HTTP status each result would have had as a request of its own (the batch itself answers 200).
HTTP_STATUS = {APPLIED: 200, DUPLICATE: 200, CONFLICT: 409}


class MutationSerializer(serializers.Serializer):
    """The envelope of one mutation; `data` is validated by the handler of its type."""

    id = serializers.UUIDField()
    type = serializers.CharField(max_length=40)
    record = serializers.CharField(max_length=64, required=False, allow_null=True, allow_blank=True, default=None)
    base_version = serializers.IntegerField(required=False, allow_null=True, min_value=0, default=None)
    data = serializers.DictField(required=False, default=dict)
    device_time = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def validate_type(self, value):
        if value not in HANDLERS:
            raise serializers.ValidationError(
                _("Unknown change type '%(type)s'. Known types: %(known)s.")
                % {"type": value, "known": ", ".join(sorted(HANDLERS))}
            )
        return value


def body_hash(raw: dict) -> str:
    """The same change sent twice hashes the same; the device clock is metadata, not the change."""
    body = {key: raw.get(key) for key in ("type", "record", "base_version", "data")}
    if body["record"] is not None:
        body["record"] = str(body["record"])
    if body["data"] is None:
        body["data"] = {}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- the batch -------------------------------------------------------------------------------------------


def _result(mutation_id, status: str, *, record=None, errors=None, http_status: int | None = None) -> dict:
    return {
        "id": str(mutation_id) if mutation_id is not None else None,
        "status": status,
        "record": record,
        "errors": errors or {},
        "http_status": http_status or HTTP_STATUS.get(status, 400),
    }


def _from_stored(stored: AppliedMutation, digest: str) -> dict:
    if stored.body_hash == digest:
        return _result(stored.id, DUPLICATE, record=stored.result.get("record"))
    return _result(
        stored.id,
        CONFLICT,
        record=None,
        errors={"id": [_("This mutation id was already used for a different change. Queue it with a new id.")]},
    )


def _errors_of(error: Exception) -> dict:
    if isinstance(error, serializers.ValidationError):
        detail = error.detail
        return detail if isinstance(detail, dict) else {"detail": [str(d) for d in detail]}
    if isinstance(error, DjangoValidationError):
        return validation_error_detail(error)
    if isinstance(error, ApplicationError):
        extra = {k: v for k, v in error.extra.items() if k != "server"}
        return {"detail": error.message, **extra}
    return {"detail": str(error)}


def _retry_later(mutation_id) -> dict:
    return _result(
        mutation_id,
        REJECTED,
        errors={"detail": _("The change could not be saved. It stays queued; try again.")},
        http_status=503,
    )


def _envelope(raw: Any, checker: MutationSerializer) -> tuple[dict | None, dict | None]:
    """(the mutation's checked fields and body hash, None) or (None, its rejection).

    One `checker` serves the whole batch: building a serializer's fields costs more than using them."""
    if not isinstance(raw, dict):
        return None, _result(None, REJECTED, errors={"detail": _("Each mutation must be a JSON object.")})
    try:
        fields = checker.run_validation(raw)
    except serializers.ValidationError as error:
        return None, _result(raw.get("id"), REJECTED, errors=serializers.as_serializer_error(error))
    return {**fields, "digest": body_hash(raw)}, None


# The lock space of a tablet's sync batches (apps.common.locks): "SYNC" in ASCII.
SYNC_TURNS = 0x53594E43


def _answered(*, device: Device, fields: list[dict]) -> dict:
    """The stored answers of the batch's mutation ids that were applied before, by any tablet.

    A tablet's batches take turns until commit: one sent again while the first is still being
    applied waits here, then finds the first's answers. The answers' primary key, not this read, is
    what makes a mutation apply at most once: if another tablet applies the same id meanwhile,
    writing the answers fails and the batch is applied again one change at a time.
    """
    if not fields:
        return {}
    hold_until_commit(SYNC_TURNS, device.pk)
    return _answers_of(fields)


def _answers_of(fields: list[dict]) -> dict:
    return {row.id: row for row in AppliedMutation.objects.filter(pk__in={f["id"] for f in fields})}


def _in_savepoint(handler, ctx: MutationContext):
    """The handler in a savepoint of its own. If it fails, a row it created and the batch then read
    may be gone with the savepoint, so the batch forgets what it read."""
    try:
        with transaction.atomic():
            return handler(ctx)
    except BaseException:
        forget_reads()
        raise


def _context(*, actor: User, device: Device, fields: dict, lookups: BatchLookups) -> MutationContext:
    return MutationContext(
        actor=actor,
        device=device,
        mutation_id=fields["id"],
        record=fields["record"],
        base_version=fields["base_version"],
        data=fields["data"],
        device_time=fields["device_time"],
        lookups=lookups,
    )


def _applied(ctx: MutationContext, fields: dict, record_id, payload) -> tuple:
    row = AppliedMutation(
        id=fields["id"],
        device=ctx.device,
        user=ctx.actor,
        type=fields["type"],
        record=str(record_id)[:64],
        body_hash=fields["digest"],
        result={"status": APPLIED, "record": payload},
        device_time=ctx.device_time,
    )
    return _result(fields["id"], APPLIED, record=payload), row


def _apply_one(
    *, actor: User, device: Device, fields: dict, lookups: BatchLookups
) -> tuple[dict, AppliedMutation | None]:
    """Apply one mutation in its own savepoint: (its result, its AppliedMutation row if applied)."""
    mutation_id = fields["id"]
    ctx = _context(actor=actor, device=device, fields=fields, lookups=lookups)
    try:
        record_id, payload = _in_savepoint(HANDLERS[fields["type"]], ctx)
        return _applied(ctx, fields, record_id, payload)
    except Conflict as error:
        return _result(
            mutation_id, CONFLICT, record=error.extra.get("server"), errors={"detail": error.message}, http_status=409
        ), None
    except (PermissionRefused, NotFound) as error:
        # Outside the undone savepoint, so the refusal stays on the log.
        audit_record(
            actor=actor,
            action=f"field.sync.{fields['type']}",
            object_type="field.mutation",
            object_id=str(ctx.record or "")[:64],
            outcome=Outcome.DENIED,
            detail={"mutation": str(mutation_id), "device": str(device.pk), "reason": error.message},
        )
        return _result(mutation_id, REJECTED, errors=_errors_of(error), http_status=error.status_code), None
    except (ApplicationError, DjangoValidationError, serializers.ValidationError) as error:
        return _result(mutation_id, REJECTED, errors=_errors_of(error)), None
    except DataError as error:
        # A value the database cannot hold (validation should have caught it): refuse this mutation
        # alone, so it cannot block the rest of the tablet's queue by failing the whole batch.
        logger.warning("mutation %s could not be stored: %s", mutation_id, error)
        return _result(mutation_id, REJECTED, errors={"detail": _("A value in this change cannot be stored.")}), None
    except (IntegrityError, OperationalError) as error:
        # A unique key taken by a concurrent change, or a deadlock with another batch: undone, kept queued.
        logger.info("mutation %s was undone (%s); the tablet retries it", mutation_id, type(error).__name__)
        return _retry_later(mutation_id), None


# Mutations are applied in runs of CHUNK under one savepoint; a run in which any mutation fails is
# undone and applied again one savepoint per mutation, so the failure is the only change lost.
CHUNK = 50
# In a run, the new encounters, versions and notes these write are held and written in bulk as the run
# ends (inside its savepoint); none of them reads such rows back. Any other change first has the held
# rows written, since it may read them.
HELD_TYPES = frozenset({"encounter.create", "encounter.note"})


class _Undo(Exception):
    """A mutation failed in a run applied without savepoints of its own: undo the run."""


def _apply_chunk(actor, device, chunk: list, lookups: BatchLookups, *, applied: dict, stored: dict, careful: bool):
    """(the results of a run of mutations, the AppliedMutation rows of those that applied).

    Careful, each mutation has its own savepoint and a failure is its result. Not careful (the
    common case: a tablet's queue applies cleanly), there are no savepoints per mutation and the
    first failure raises _Undo."""
    results, rows = [], {}
    for fields, rejection in chunk:
        if fields is None:
            results.append(rejection)
            continue
        mutation_id = fields["id"]
        earlier = rows.get(mutation_id) or applied.get(mutation_id) or stored.get(mutation_id)
        if earlier is not None:
            results.append(_from_stored(earlier, fields["digest"]))
            continue
        if careful:
            result, row = _apply_one(actor=actor, device=device, fields=fields, lookups=lookups)
        else:
            if fields["type"] not in HELD_TYPES:
                encounter_writes_flush()
            ctx = _context(actor=actor, device=device, fields=fields, lookups=lookups)
            try:
                record_id, payload = HANDLERS[fields["type"]](ctx)
            except Exception as error:
                raise _Undo from error
            result, row = _applied(ctx, fields, record_id, payload)
        if row is not None:
            rows[mutation_id] = row
        results.append(result)
    return results, rows


def _apply_batch(*, actor: User, device: Device, mutations: list) -> list[dict]:
    """One transaction: the tablet's turn, the mutations in runs under a savepoint, then every held row in one go."""
    checker = MutationSerializer()
    checked = [_envelope(raw, checker) for raw in mutations]
    results: list[dict] = []
    with (
        transaction.atomic(),
        # Opened first, so sent last after commit: the doorbells ring before the follow-up rules run.
        encounter_recorded_batch(),
        # Events are written last: reserving their numbers locks each stream's counter until commit,
        # and every tablet's batch appends to the board's.
        stream_batch(),
        audit_batch(),
        timeline_batch(),
        reads_once(),
        changes_isolated(),
    ):
        stored = _answered(device=device, fields=[f for f, _r in checked if f is not None])
        lookups = BatchLookups([f for f, _r in checked if f is not None and f["id"] not in stored])
        applied: dict = {}
        for start in range(0, len(checked), CHUNK):
            chunk = checked[start : start + CHUNK]
            try:
                with transaction.atomic(), encounter_writes_held():
                    done, rows = _apply_chunk(
                        actor, device, chunk, lookups, applied=applied, stored=stored, careful=False
                    )
            except (_Undo, DatabaseError):
                # A mutation failed, or writing the run's held rows did: redo the run change by change.
                # Another tablet may have applied the same changes meanwhile (a copied outbox).
                forget_reads()
                stored |= _answers_of([f for f, _r in chunk if f is not None])
                done, rows = _apply_chunk(actor, device, chunk, lookups, applied=applied, stored=stored, careful=True)
            applied.update(rows)
            results += done
        if applied:
            bulk_insert(AppliedMutation, list(applied.values()))
        device_seen(device=device, user=actor)
    return results


def sync_apply(*, actor: User, device: Device, mutations: list) -> list[dict]:
    """Apply a batch in order, each mutation exactly once; one result per mutation.

    A mutation that fails does not stop the batch: later mutations are still applied. If writing
    the batch's held rows fails at its end (which no mutation's own savepoint could catch), the
    batch is applied again one mutation per transaction, so one bad row costs only its own change.
    """
    try:
        results = _apply_batch(actor=actor, device=device, mutations=mutations)
    except (DataError, IntegrityError, OperationalError) as error:
        if len(mutations) > 1:
            logger.warning("a sync batch could not be written; applying it one by one", exc_info=True)
            return [r for raw in mutations for r in sync_apply(actor=actor, device=device, mutations=[raw])]
        logger.warning("a synced mutation could not be written", exc_info=True)
        mutation_id = mutations[0].get("id") if mutations and isinstance(mutations[0], dict) else None
        if isinstance(error, DataError):
            rejected = _result(mutation_id, REJECTED, errors={"detail": _("A value in this change cannot be stored.")})
        else:
            rejected = _retry_later(mutation_id)
        results = [rejected] * len(mutations)
    for result in results:
        metrics.sync_mutations.labels(result["status"]).inc()
    return results
