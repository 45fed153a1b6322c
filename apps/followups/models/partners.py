"""Partners as Firstline reaches them: their webhook endpoints, their staff, and every delivery and
attempt (a row with a due time that a beat task sweeps; no long ETA tasks).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.common.crypto import EncryptedTextField
from apps.followups.egress import validate_endpoint_url
from apps.followups.models.referrals import Referral


class PartnerEndpoint(models.Model):
    """A partner organization's webhook: referrals are POSTed there, signed with the shared secret."""

    organization = models.ForeignKey("resources.Organization", on_delete=models.PROTECT, related_name="endpoints")
    service = models.ForeignKey(
        "resources.Service",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="endpoints",
        help_text=_(
            "Set when the endpoint belongs to one service: only then does it receive the person's details "
            "under a consent limited to that service. Empty: the organization's endpoint."
        ),
    )
    url = models.URLField(
        validators=[validate_endpoint_url],
        help_text=_("The partner's https address; internal and private addresses are refused."),
    )
    # Encrypted at rest (FIRSTLINE_FIELD_KEYS): a database dump must not let anyone sign as us.
    secret = EncryptedTextField(help_text=_("Shared secret for the HMAC-SHA256 signature."))
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization__name"]

    def __str__(self) -> str:
        return f"{self.organization} → {self.url}"


class PartnerServiceStaff(models.Model):
    """A partner user who works for one service: the people a consent to 'only the service referred
    to' opens a referral's personal details to. Partner users with no row here are the
    organization's staff at large and see those details only under a consent to the organization."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_services")
    service = models.ForeignKey("resources.Service", on_delete=models.CASCADE, related_name="partner_staff")

    class Meta:
        verbose_name_plural = _("partner service staff")
        constraints = [models.UniqueConstraint(fields=["user", "service"], name="partner_service_staff_once")]

    def __str__(self) -> str:
        return f"{self.user} works for {self.service}"


class WebhookDelivery(models.Model):
    """One message to a partner endpoint, retried with backoff until delivered or given up."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed (gave up)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    endpoint = models.ForeignKey(PartnerEndpoint, on_delete=models.PROTECT, related_name="deliveries")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="webhook_deliveries")
    event = models.CharField(max_length=40, default="referral.updated")
    referral_status = models.CharField(max_length=20, blank=True, help_text=_("The status that triggered it."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_due")]

    def __str__(self) -> str:
        return f"{self.event} {self.referral_id} → {self.endpoint_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One HTTP attempt of a delivery: what the partner answered, or why it could not be reached."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    ok = models.BooleanField(default=False)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="webhook_attempt_number_unique")]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}"
