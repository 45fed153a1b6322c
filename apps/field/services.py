"""Applying a tablet's batch of mutations, each exactly once, through the domain services.

Nothing here changes a domain record itself: every mutation type maps onto one service of the app
that owns the record (apps/field/mutations.py: incidents, follow-ups, safety), which checks permission,
locks, audits and appends events. This module only adds the exactly-once bookkeeping (AppliedMutation) and turns each
service's answer into one result per mutation. It must never write a change without its
AppliedMutation row in the same transaction.
"""

import hashlib
import json
import logging
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from apps.accounts.models import Device, User
from apps.audit.models import Outcome
from apps.audit.services import audit_record
from apps.common import metrics
from apps.common.api import validation_error_detail
from apps.common.errors import ApplicationError, Conflict, NotFound, PermissionRefused
from apps.field.models import AppliedMutation
from apps.field.mutations import HANDLERS, MutationContext

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


def _apply_one(*, actor: User, device: Device, raw: Any, stored: dict, seen: dict) -> dict:
    if not isinstance(raw, dict):
        return _result(None, REJECTED, errors={"detail": _("Each mutation must be a JSON object.")})
    envelope = MutationSerializer(data=raw)
    if not envelope.is_valid():
        return _result(raw.get("id"), REJECTED, errors=envelope.errors)
    fields = envelope.validated_data
    mutation_id = fields["id"]
    digest = body_hash(raw)
    earlier = seen.get(mutation_id) or stored.get(mutation_id)
    if earlier is not None:
        return _from_stored(earlier, digest)

    ctx = MutationContext(
        actor=actor,
        device=device,
        mutation_id=mutation_id,
        record=fields["record"],
        base_version=fields["base_version"],
        data=fields["data"],
        device_time=fields["device_time"],
    )
    try:
        with transaction.atomic():
            record_id, payload = HANDLERS[fields["type"]](ctx)
            row = AppliedMutation.objects.create(
                id=mutation_id,
                device=device,
                user=actor,
                type=fields["type"],
                record=str(record_id)[:64],
                body_hash=digest,
                result={"status": APPLIED, "record": payload},
                device_time=ctx.device_time,
            )
        seen[mutation_id] = row
        return _result(mutation_id, APPLIED, record=payload)
    except Conflict as error:
        outcome = _result(
            mutation_id, CONFLICT, record=error.extra.get("server"), errors={"detail": error.message}, http_status=409
        )
    except (PermissionRefused, NotFound) as error:
        audit_record(
            actor=actor,
            action=f"field.sync.{fields['type']}",
            object_type="field.mutation",
            object_id=str(ctx.record or "")[:64],
            outcome=Outcome.DENIED,
            detail={"mutation": str(mutation_id), "device": str(device.pk), "reason": error.message},
        )
        outcome = _result(mutation_id, REJECTED, errors=_errors_of(error), http_status=error.status_code)
    except (ApplicationError, DjangoValidationError, serializers.ValidationError) as error:
        outcome = _result(mutation_id, REJECTED, errors=_errors_of(error))
    except DataError as error:
        # A value the database cannot hold (validation should have caught it): refuse this mutation
        # alone, so it cannot block the rest of the tablet's queue by failing the whole batch.
        logger.warning("mutation %s could not be stored: %s", mutation_id, error)
        outcome = _result(mutation_id, REJECTED, errors={"detail": _("A value in this change cannot be stored.")})
    except IntegrityError:
        logger.info("mutation %s hit a unique constraint; checking for a concurrent apply", mutation_id)
        outcome = _result(
            mutation_id, REJECTED, errors={"detail": _("The change could not be saved. It stays queued; try again.")}
        )
        outcome["http_status"] = 503
    # Another request may have applied this very mutation while we worked: its stored answer wins.
    concurrent = AppliedMutation.objects.filter(pk=mutation_id).first()
    if concurrent is not None:
        seen[mutation_id] = concurrent
        return _from_stored(concurrent, digest)
    return outcome


def sync_apply(*, actor: User, device: Device, mutations: list) -> list[dict]:
    """Apply a batch in order, each mutation in its own transaction; one result per mutation.

    A mutation that fails does not stop the batch: later mutations are still applied.
    """
    ids = []
    for raw in mutations:
        if isinstance(raw, dict):
            try:
                ids.append(serializers.UUIDField().to_internal_value(raw.get("id")))
            except serializers.ValidationError:
                continue
    stored = {row.id: row for row in AppliedMutation.objects.filter(pk__in=ids)} if ids else {}
    seen: dict = {}
    results = [_apply_one(actor=actor, device=device, raw=raw, stored=stored, seen=seen) for raw in mutations]
    for result in results:
        metrics.sync_mutations.labels(result["status"]).inc()
    Device.objects.filter(pk=device.pk).update(last_seen_at=timezone.now(), last_user=actor)
    return results
