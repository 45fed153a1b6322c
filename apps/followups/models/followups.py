"""Follow-ups (what must happen after the van leaves), their reminders, the rules that create them,
and the cursors of the sweeps that apply those rules.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.common.crypto import EncryptedTextField


class FollowUp(models.Model):
    class Kind(models.TextChoices):
        CHECK_IN_CALL = "check_in_call", _("Check-in call")
        VISIT = "visit", _("Visit")
        WELFARE_RECHECK = "welfare_recheck", _("Welfare re-check")
        WELLNESS_DEBRIEF = "wellness_debrief", _("Wellness debrief")
        CERTIFICATION_RENEWAL = "certification_renewal", _("Certification renewal")
        REFERRAL_CHECK = "referral_check", _("Stalled referral check")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DUE = "due", _("Due")
        OVERDUE = "overdue", _("Overdue")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached")
        NOT_REACHED = "not_reached", _("Not reached")
        DECLINED = "declined", _("Declined")
        NEW_NEED = "new_need", _("New need found")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    due_at = models.DateTimeField(db_index=True)
    escalate_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When an unfinished follow-up goes to a supervisor (due time + grace).")
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
        help_text=_("The responder a debrief or certification renewal is about."),
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
        help_text=_("Set on follow-ups raised automatically, so a sweep that runs twice raises one."),
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
        null=True, blank=True, help_text=_("When the retention policy removed the notes (apps.retention).")
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
        DUE = "due", _("Due reminder")
        OVERDUE = "overdue", _("Overdue escalation")

    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True, help_text=_("When the event was written (delivery time)."))
    streams = models.JSONField(default=list, help_text=_("The streams the event went to."))
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
        ENCOUNTER_TEAM = "encounter_team", _("The team that documented the encounter")
        AUTHOR = "author", _("The responder who documented it")

    name = models.CharField(max_length=120)
    active = models.BooleanField(default=True)
    kind = models.CharField(max_length=30, choices=FollowUp.Kind.choices)
    dispositions = models.JSONField(
        default=list, blank=True, help_text=_("Encounter dispositions that trigger the rule; empty means any.")
    )
    requires_referral_needed = models.BooleanField(default=False)
    requires_followup_needed = models.BooleanField(default=False)
    due_after_hours = models.PositiveIntegerField(default=48)
    grace_hours = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Hours past due before escalation; empty uses the program default.")
    )
    target = models.CharField(max_length=20, choices=Target.choices, default=Target.ENCOUNTER_TEAM)
    notes = models.CharField(max_length=300, blank=True, help_text=_("Copied onto each follow-up the rule raises."))

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
