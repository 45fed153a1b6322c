"""Follow-ups (what must happen after the van leaves) and referrals to partner services."""

import uuid

from django.conf import settings
from django.db import models


class FollowUp(models.Model):
    class Kind(models.TextChoices):
        CHECK_IN_CALL = "check_in_call", "Check-in call"
        VISIT = "visit", "Visit"
        WELFARE_RECHECK = "welfare_recheck", "Welfare re-check"
        WELLNESS_DEBRIEF = "wellness_debrief", "Wellness debrief"
        CERTIFICATION_RENEWAL = "certification_renewal", "Certification renewal"

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
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(team__isnull=False) | models.Q(assignee__isnull=False),
                name="followup_has_team_or_assignee",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {self.due_at:%Y-%m-%d %H:%M}"


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

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    encounter = models.ForeignKey("incidents.Encounter", on_delete=models.PROTECT, related_name="referrals")
    service = models.ForeignKey("resources.Service", on_delete=models.PROTECT, related_name="referrals")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    need = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Referral to {self.service} ({self.status})"
