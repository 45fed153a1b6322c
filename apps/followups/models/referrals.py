"""Referrals to partner services, the consent that lets fields be shared, every status change, and
the rules that say when a referral has stalled.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.common.crypto import EncryptedTextField


class Referral(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        # A referral (derivación) in Spanish is feminine; a follow-up's words are not.
        DECLINED = "declined", pgettext_lazy("status of a referral", "Declined")
        IN_PROGRESS = "in_progress", _("In progress")
        DELIVERED = "delivered", _("Service delivered")
        NOT_DELIVERED = "not_delivered", _("Not delivered")
        CANCELLED = "cancelled", pgettext_lazy("status of a referral", "Cancelled")
        CLOSED = "closed", _("Closed")

    class NotDeliveredReason(models.TextChoices):
        COULD_NOT_CONTACT = "could_not_contact", _("Could not contact")
        NOT_ELIGIBLE = "not_eligible", _("Not eligible")
        NO_CAPACITY = "no_capacity", _("No capacity")
        CLIENT_DECLINED = "client_declined", _("Client declined")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    encounter = models.ForeignKey("incidents.Encounter", on_delete=models.PROTECT, related_name="referrals")
    service = models.ForeignKey("resources.Service", on_delete=models.PROTECT, related_name="referrals")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    status_changed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    status_reason = models.CharField(max_length=300, blank=True)
    need = models.CharField(max_length=100, blank=True)
    notes = EncryptedTextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    deidentified_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the retention policy removed the notes (apps.retention).")
    )
    # The partner's optional word on the handoff, asked when they close the referral.
    handoff_info_enough = models.BooleanField(
        null=True, blank=True, help_text=_("The partner found the information sent enough to act on.")
    )
    handoff_timely = models.BooleanField(
        null=True, blank=True, help_text=_("The partner found the referral came in time.")
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Referral to {self.service} ({self.status})"


class Consent(models.Model):
    """What the person agreed may be shared about them, with whom, until when. Revocable.

    The shape is documented in docs/followups.md; `covers()` in services decides whether it allows
    a disclosure, so every door asks the same question.
    """

    class Recipients(models.TextChoices):
        SERVICE = "service", _("Only the service referred to")
        ORGANIZATION = "organization", _("The organization that runs the service")

    class GivenBy(models.TextChoices):
        VERBAL = "verbal", _("Verbal")
        WRITTEN = "written", _("Written (signed)")

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="consent")
    scope = models.JSONField(default=list, blank=True, help_text=_("Fields that may be shared."))
    recipients = models.CharField(max_length=20, choices=Recipients.choices, default=Recipients.SERVICE)
    expires_at = models.DateTimeField(null=True, blank=True)
    substance_use_records = models.BooleanField(
        default=False, help_text=_("Includes substance-use treatment records: needs written consent with an expiry.")
    )
    given_by = models.CharField(max_length=10, choices=GivenBy.choices, default=GivenBy.VERBAL)
    purpose = models.CharField(
        max_length=300, blank=True, help_text=_("Why the information is shared, as written on the consent form.")
    )
    recipient_name = models.CharField(
        max_length=200, blank=True, help_text=_("Who may receive it, as named on the consent form.")
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.CharField(max_length=300, blank=True)

    def as_dict(self) -> dict:
        return {
            "scope": list(self.scope or []),
            "recipients": self.recipients,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "substance_use_records": self.substance_use_records,
            "given_by": self.given_by,
            "purpose": self.purpose,
            "recipient_name": self.recipient_name,
            "recorded_at": self.recorded_at.isoformat() if self.recorded_at else None,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }

    def __str__(self) -> str:
        return f"Consent for {self.referral_id}"


class ReferralStatusChange(models.Model):
    """Every step of a referral, stamped with who, when and why; never edited."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="history")
    from_status = models.CharField(max_length=20, choices=Referral.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Referral.Status.choices)
    reason = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_role = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_status or '-'} → {self.to_status}"


class ReferralStallRule(models.Model):
    """How long a referral may sit in a status before the referring team is reminded."""

    status = models.CharField(max_length=20, choices=Referral.Status.choices, unique=True)
    limit_hours = models.PositiveIntegerField(default=48)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["status"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} longer than {self.limit_hours} h"
