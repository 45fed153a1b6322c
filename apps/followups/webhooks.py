"""Signed webhooks to partner endpoints, retried with exponential backoff as rows swept by beat.

Signature scheme (docs/followups.md): the request carries
    X-Firstline-Timestamp: <unix seconds>
    X-Firstline-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>." + raw body)>
    X-Firstline-Delivery:  <delivery uuid>   (the same on every retry of one message)
A receiver recomputes the HMAC over the raw body, compares in constant time, and refuses a
timestamp more than a few minutes from its clock (a captured request replayed later is refused).

The body is built at each attempt from the referral as it is then, through the consent filter
(apps.followups.disclosure: Part 2, the consent's recipients, the notice), so a revoked consent stops
disclosure even for messages queued before the revocation; each attempt is audited as a disclosure.
"""

import hashlib
import hmac
import http.client
import json
import logging
import time
from datetime import timedelta

from celery import current_app
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import is_supervisor
from apps.audit.services import audit_record
from apps.common import metrics
from apps.common.errors import NotFound, PermissionRefused
from apps.followups import conf, egress
from apps.followups.models import PartnerEndpoint, Referral, WebhookAttempt, WebhookDelivery
from apps.followups.selectors import referral_disclose

logger = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Firstline-Signature"
TIMESTAMP_HEADER = "X-Firstline-Timestamp"
DELIVERY_HEADER = "X-Firstline-Delivery"
EVENT_HEADER = "X-Firstline-Event"
# Queued by name: apps/followups/tasks.py imports this module, so this one does not import it back.
DELIVER_TASK = "apps.followups.tasks.deliver_webhooks"


def sign(*, secret: str, body: bytes, timestamp: int | str) -> str:
    message = f"{timestamp}.".encode() + body
    return "v1=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify_signature(
    *,
    secret: str,
    body: bytes,
    timestamp: str | None,
    signature: str | None,
    now: float | None = None,
    tolerance_seconds: int | None = None,
) -> bool:
    """What a partner runs on receipt: a valid HMAC over this body and a fresh timestamp."""
    if not timestamp or not signature:
        return False
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    tolerance = conf.webhook_tolerance_seconds() if tolerance_seconds is None else tolerance_seconds
    if abs((time.time() if now is None else now) - sent) > tolerance:
        return False
    return hmac.compare_digest(sign(secret=secret, body=body, timestamp=sent), signature)


def webhooks_enqueue(*, referral: Referral, event: str) -> list[WebhookDelivery]:
    """Queue one message per active endpoint of the partner; call inside the change's transaction."""
    endpoints = PartnerEndpoint.objects.filter(organization_id=referral.service.organization_id, active=True)
    now = timezone.now()
    deliveries = [
        WebhookDelivery.objects.create(
            endpoint=endpoint, referral=referral, event=event, referral_status=referral.status, next_attempt_at=now
        )
        for endpoint in endpoints
    ]
    if deliveries:
        transaction.on_commit(_nudge)
    return deliveries


def _nudge() -> None:
    """Ask a worker to deliver now rather than at the next sweep; losing this nudge loses nothing."""
    try:
        current_app.send_task(DELIVER_TASK, retry=False)
    except Exception:  # the sweep will pick the rows up
        logger.warning("could not enqueue webhook delivery; the sweep will send it", exc_info=True)


def _body(delivery: WebhookDelivery, endpoint: PartnerEndpoint, attempt: int) -> bytes:
    referral = Referral.objects.select_related("service__organization", "encounter", "consent").get(
        pk=delivery.referral_id
    )
    payload = {
        "event": delivery.event,
        "delivery": str(delivery.pk),
        "attempt": attempt,
        "sent_at": timezone.now().isoformat(),
        "referral": referral_disclose(referral=referral, recipient=endpoint, door="task"),
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def _post(endpoint: PartnerEndpoint, delivery: WebhookDelivery, body: bytes) -> tuple[int | None, str]:
    """One signed POST to the address the policy allows (apps.followups.egress); a redirect is a
    failure and is never followed, so the signature goes nowhere but the endpoint itself."""
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Firstline-Webhook/1",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret=endpoint.secret, body=body, timestamp=timestamp),
        DELIVERY_HEADER: str(delivery.pk),
        EVENT_HEADER: delivery.event,
    }
    try:
        status = egress.post(endpoint.url, body=body, headers=headers, timeout=conf.webhook_timeout_seconds())
    except egress.EgressRefused as refusal:
        return None, str(refusal)[:300]
    except (OSError, http.client.HTTPException) as error:
        return None, (str(error) or type(error).__name__)[:300]
    if 300 <= status < 400:
        return status, f"HTTP {status}: a redirect, not followed"
    if not 200 <= status < 300:
        return status, f"HTTP {status}"
    return status, ""


def _claim(batch: int) -> list[WebhookDelivery]:
    """Lease due deliveries: push next_attempt_at past the request timeout so nobody else takes them."""
    now = timezone.now()
    lease = now + timedelta(seconds=conf.webhook_timeout_seconds() * 3)
    with transaction.atomic():
        rows = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")[:batch]
        )
        WebhookDelivery.objects.filter(pk__in=[d.pk for d in rows]).update(next_attempt_at=lease)
    return rows


def webhooks_deliver_due(*, batch: int = 20, budget_seconds: float = 20.0) -> int:
    """Attempt every due delivery once; a failure is logged and scheduled again, or given up."""
    started = time.monotonic()
    attempted = 0
    while time.monotonic() - started < budget_seconds:
        rows = _claim(batch)
        if not rows:
            break
        for delivery in rows:
            _attempt(delivery)
            attempted += 1
    return attempted


def _attempt(delivery: WebhookDelivery) -> None:
    endpoint = PartnerEndpoint.objects.get(pk=delivery.endpoint_id)
    number = WebhookAttempt.objects.filter(delivery=delivery).count() + 1
    started = time.monotonic()
    if endpoint.active:
        status_code, error = _post(endpoint, delivery, _body(delivery, endpoint, number))
    else:
        status_code, error = None, "endpoint switched off"
    duration_ms = int((time.monotonic() - started) * 1000)
    ok = status_code is not None and 200 <= status_code < 300
    if not ok:
        metrics.webhook_failures.inc()
    now = timezone.now()
    with transaction.atomic():
        locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        WebhookAttempt.objects.create(
            delivery=locked,
            number=number,
            at=now,
            status_code=status_code,
            ok=ok,
            error=error if not ok else "",
            duration_ms=duration_ms,
        )
        locked.attempts += 1
        if ok:
            locked.status = WebhookDelivery.Status.DELIVERED
            locked.delivered_at = now
            locked.next_attempt_at = None
            locked.last_error = ""
        else:
            locked.last_error = error or f"HTTP {status_code}"
            if locked.attempts >= conf.webhook_max_attempts():
                locked.status = WebhookDelivery.Status.FAILED
                locked.failed_at = now
                locked.next_attempt_at = None
            else:
                delay = conf.webhook_backoff_seconds() * 2 ** (locked.attempts - 1)
                locked.next_attempt_at = now + timedelta(seconds=delay)
        locked.save()
        audit_record(
            actor=None,
            action="referral.webhook",
            obj=locked.referral,
            object_type="followups.referral",
            object_id=locked.referral_id,
            door="task",
            outcome="ok" if ok else "failed",
            detail={"delivery": str(locked.pk), "attempt": number, "status_code": status_code},
        )


def webhook_retry(*, actor, delivery_id) -> WebhookDelivery:
    """A supervisor sends a given-up delivery again (a new round of attempts)."""
    if not is_supervisor(actor):
        raise PermissionRefused(_("Only supervisors retry partner deliveries."))
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None:
            raise NotFound(_("No such delivery."))
        if delivery.status != WebhookDelivery.Status.FAILED:
            return delivery
        delivery.status = WebhookDelivery.Status.PENDING
        delivery.attempts = 0
        delivery.failed_at = None
        delivery.next_attempt_at = timezone.now()
        delivery.save(update_fields=["status", "attempts", "failed_at", "next_attempt_at"])
        audit_record(
            actor=actor, action="referral.webhook_retry", obj=delivery.referral, detail={"delivery": str(delivery.pk)}
        )
        transaction.on_commit(_nudge)
    return delivery
