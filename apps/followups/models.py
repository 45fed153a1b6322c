"""Follow-ups (what must happen after the van leaves) and referrals to partner services.

Reminders, escalations and webhook retries are rows with a due time that a beat task sweeps; no
long ETA tasks. "Exactly once" is a unique constraint here, never a check in Python.
"""

import uuid

from django.conf import settings
from django.db import models

from apps.common.crypto import EncryptedTextField
from apps.followups.egress import validate_endpoint_url


class FollowUp(models.Model):
    class Kind(models.TextChoices):
        CHECK_IN_CALL = "check_in_call", "Check-in call"
        VISIT = "visit", "Visit"
        WELFARE_RECHECK = "welfare_recheck", "Welfare re-check"
        WELLNESS_DEBRIEF = "wellness_debrief", "Wellness debrief"
        CERTIFICATION_RENEWAL = "certification_renewal", "Certification renewal"
        REFERRAL_CHECK = "referral_check", "Stalled referral check"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DUE = "due", "Due"
        OVERDUE = "overdue", "Overdue"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    class Outcome(models.TextChoices):
        REACHED = "reached", "Reached"
        NOT_REACHED = "not_reached", "Not reached"
        DECLINED = "declined", "Declined"
        NEW_NEED = "new_need", "New need found"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    due_at = models.DateTimeField(db_index=True)
    escalate_at = models.DateTimeField(
        null=True, blank=True, help_text="When an unfinished follow-up goes to a supervisor (due time + grace)."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    team = models.ForeignKey("teams.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="followups")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="followups"
    )
    encounter = models.ForeignKey(
        "incidents.Encounter", null=True, blank=True, on_delete=models.PROTECT, related_name="followups"
    )
    responder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followups_about",
        help_text="The responder a debrief or certification renewal is about.",
    )
    referral = models.ForeignKey(
        "followups.Referral", null=True, blank=True, on_delete=models.PROTECT, related_name="followups"
    )
    certification = models.ForeignKey(
        "teams.Certification", null=True, blank=True, on_delete=models.PROTECT, related_name="followups"
    )
    rule = models.ForeignKey(
        "followups.FollowUpRule", null=True, blank=True, on_delete=models.SET_NULL, related_name="followups"
    )
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_followups"
    )
    origin_key = models.CharField(
        max_length=120,
        null=True,
        blank=True,
        unique=True,
        help_text="Set on follow-ups raised automatically, so a sweep that runs twice raises one.",
    )
    notes = EncryptedTextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_notes = EncryptedTextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    deidentified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the retention policy removed the notes (apps.retention)."
    )

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(team__isnull=False) | models.Q(assignee__isnull=False),
                name="followup_has_team_or_assignee",
            )
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="followup_status_due"),
            models.Index(fields=["status", "escalate_at"], name="followup_status_escalate"),
        ]

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.CANCELLED}

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {self.due_at:%Y-%m-%d %H:%M}"


class Reminder(models.Model):
    """One delivery of a follow-up's reminder or escalation; the unique pair proves 'exactly once'."""

    class Kind(models.TextChoices):
        DUE = "due", "Due reminder"
        OVERDUE = "overdue", "Overdue escalation"

    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True, help_text="When the event was written (delivery time).")
    streams = models.JSONField(default=list, help_text="The streams the event went to.")
    email_to = models.JSONField(default=list, blank=True)
    email_pending = models.BooleanField(default=False)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["followup", "kind"], name="reminder_once_per_kind")]
        indexes = [models.Index(fields=["email_pending"], name="reminder_email_pending")]

    def __str__(self) -> str:
        return f"{self.kind} reminder for {self.followup_id}"


class FollowUpRule(models.Model):
    """A program rule a supervisor edits: which documented encounters raise which follow-up, and when."""

    class Target(models.TextChoices):
        ENCOUNTER_TEAM = "encounter_team", "The team that documented the encounter"
        AUTHOR = "author", "The responder who documented it"

    name = models.CharField(max_length=120)
    active = models.BooleanField(default=True)
    kind = models.CharField(max_length=30, choices=FollowUp.Kind.choices)
    dispositions = models.JSONField(
        default=list, blank=True, help_text="Encounter dispositions that trigger the rule; empty means any."
    )
    requires_referral_needed = models.BooleanField(default=False)
    requires_followup_needed = models.BooleanField(default=False)
    due_after_hours = models.PositiveIntegerField(default=48)
    grace_hours = models.PositiveIntegerField(
        null=True, blank=True, help_text="Hours past due before escalation; empty uses the program default."
    )
    target = models.CharField(max_length=20, choices=Target.choices, default=Target.ENCOUNTER_TEAM)
    notes = models.CharField(max_length=300, blank=True, help_text="Copied onto each follow-up the rule raises.")

    class Meta:
        ordering = ["name"]

    def matches(self, version) -> bool:
        if not self.active:
            return False
        if self.dispositions and version.disposition not in self.dispositions:
            return False
        if self.requires_referral_needed and not version.referral_needed:
            return False
        return not (self.requires_followup_needed and not version.followup_needed)

    def __str__(self) -> str:
        return self.name


class SweepCursor(models.Model):
    """How far a sweep over an append-only table has got (e.g. the last EncounterVersion id ruled on)."""

    name = models.CharField(max_length=40, primary_key=True)
    last_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_id}"


class Referral(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENT = "sent", "Sent"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        IN_PROGRESS = "in_progress", "In progress"
        DELIVERED = "delivered", "Service delivered"
        NOT_DELIVERED = "not_delivered", "Not delivered"
        CANCELLED = "cancelled", "Cancelled"
        CLOSED = "closed", "Closed"

    class NotDeliveredReason(models.TextChoices):
        COULD_NOT_CONTACT = "could_not_contact", "Could not contact"
        NOT_ELIGIBLE = "not_eligible", "Not eligible"
        NO_CAPACITY = "no_capacity", "No capacity"
        CLIENT_DECLINED = "client_declined", "Client declined"

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
        null=True, blank=True, help_text="When the retention policy removed the notes (apps.retention)."
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
        SERVICE = "service", "Only the service referred to"
        ORGANIZATION = "organization", "The organization that runs the service"

    class GivenBy(models.TextChoices):
        VERBAL = "verbal", "Verbal"
        WRITTEN = "written", "Written (signed)"

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="consent")
    scope = models.JSONField(default=list, blank=True, help_text="Fields that may be shared.")
    recipients = models.CharField(max_length=20, choices=Recipients.choices, default=Recipients.SERVICE)
    expires_at = models.DateTimeField(null=True, blank=True)
    substance_use_records = models.BooleanField(
        default=False, help_text="Includes substance-use treatment records: needs written consent with an expiry."
    )
    given_by = models.CharField(max_length=10, choices=GivenBy.choices, default=GivenBy.VERBAL)
    purpose = models.CharField(
        max_length=300, blank=True, help_text="Why the information is shared, as written on the consent form."
    )
    recipient_name = models.CharField(
        max_length=200, blank=True, help_text="Who may receive it, as named on the consent form."
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


class PartnerEndpoint(models.Model):
    """A partner organization's webhook: referrals are POSTed there, signed with the shared secret."""

    organization = models.ForeignKey("resources.Organization", on_delete=models.PROTECT, related_name="endpoints")
    service = models.ForeignKey(
        "resources.Service",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="endpoints",
        help_text="Set when the endpoint belongs to one service: only then does it receive the person's details "
        "under a consent limited to that service. Empty: the organization's endpoint.",
    )
    url = models.URLField(
        validators=[validate_endpoint_url],
        help_text="The partner's https address; internal and private addresses are refused.",
    )
    # Encrypted at rest (FIRSTLINE_FIELD_KEYS): a database dump must not let anyone sign as us.
    secret = EncryptedTextField(help_text="Shared secret for the HMAC-SHA256 signature.")
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
        verbose_name_plural = "partner service staff"
        constraints = [models.UniqueConstraint(fields=["user", "service"], name="partner_service_staff_once")]

    def __str__(self) -> str:
        return f"{self.user} works for {self.service}"


class WebhookDelivery(models.Model):
    """One message to a partner endpoint, retried with backoff until delivered or given up."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (gave up)"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    endpoint = models.ForeignKey(PartnerEndpoint, on_delete=models.PROTECT, related_name="deliveries")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="webhook_deliveries")
    event = models.CharField(max_length=40, default="referral.updated")
    referral_status = models.CharField(max_length=20, blank=True, help_text="The status that triggered it.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
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
