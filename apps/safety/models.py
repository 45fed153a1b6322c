"""Responder safety: a team's emergency (the button on the tablet) from raise to resolve, and the
caution notes supervisors keep about a location (premise history).

An emergency is a record of what happened, never deleted: who raised it, where the tablet last was,
who at dispatch acknowledged it and who resolved it.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.common.crypto import EncryptedTextField
from apps.incidents.vocab import AGENCIES, CO_RESPONSE_OUTCOMES, CO_RESPONSE_REASONS
from apps.safety.premises import normalize_location


class EmergencyStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


class Emergency(models.Model):
    """A responder pressed the emergency button for their team."""

    # Chosen by the tablet, so a raise sent twice (the API and then the outbox) is one emergency.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="emergencies")
    incident = models.ForeignKey(
        "incidents.Incident", null=True, blank=True, on_delete=models.PROTECT, related_name="emergencies"
    )
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(db_index=True)
    latitude = models.FloatField(null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)])
    accuracy_m = models.FloatField(null=True, blank=True, help_text=_("How far off the position may be, in metres."))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("emergency")
        verbose_name_plural = _("emergencies")

    @property
    def status(self) -> str:
        if self.resolved_at:
            return EmergencyStatus.RESOLVED
        if self.acknowledged_at:
            return EmergencyStatus.ACKNOWLEDGED
        return EmergencyStatus.OPEN

    def __str__(self) -> str:
        return f"emergency {self.team_id} at {self.raised_at:%Y-%m-%d %H:%M:%S}"


class CautionFlag(models.TextChoices):
    WEAPONS = "weapons", _("Weapons")
    VIOLENCE = "violence", _("Violence")
    ANIMALS = "animals", _("Animals")
    OTHER = "other", _("Other hazard")


class LocationCaution(models.Model):
    """What a supervisor wants every team sent to this address to know before they arrive."""

    location_text = models.CharField(max_length=300, help_text=_("The address as people write it."))
    normalized_location = models.CharField(max_length=300, db_index=True, editable=False)
    latitude = models.FloatField(null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)])
    flags = models.JSONField(default=list, blank=True, help_text=_("weapons, violence, animals, other"))
    note = EncryptedTextField(help_text=_("What teams should know. Write facts, not opinions about people."))
    active = models.BooleanField(default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["location_text"]
        verbose_name = _("location caution")
        verbose_name_plural = _("location cautions")

    def clean(self):
        super().clean()
        known = set(CautionFlag.values)
        if not isinstance(self.flags, list) or any(flag not in known for flag in self.flags):
            raise ValidationError({"flags": _("Use only: %(known)s.") % {"known": ", ".join(sorted(known))}})
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))

    def save(self, *args, **kwargs):
        self.normalized_location = normalize_location(self.location_text)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "location_text" in update_fields:
            kwargs["update_fields"] = {*update_fields, "normalized_location"}
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.location_text


class CoResponse(models.Model):
    """Police, fire or EMS asked to a call: by whom, why, and how long they took. A record of its own,
    because how often a team needs another agency (and why) is what the program is judged on; the
    call's disposition stays separate."""

    # Chosen by the tablet (or the board), so a request sent twice is one request.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT, related_name="co_responses")
    team = models.ForeignKey(
        "teams.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="co_responses",
        help_text=_("The team on the call that asked, when a responder asked."),
    )
    agency = models.CharField(max_length=10, choices=list(AGENCIES.items()))
    reason = models.CharField(max_length=20, choices=list(CO_RESPONSE_REASONS.items()))
    reason_text = models.CharField(
        max_length=300, blank=True, help_text=_("In a few words, if the list is not enough.")
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_via = models.CharField(max_length=10, choices=[("tablet", _("Tablet")), ("board", _("Board"))])
    requested_at = models.DateTimeField(db_index=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=list(CO_RESPONSE_OUTCOMES.items()), blank=True)
    outcome_text = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["requested_at"]
        verbose_name = _("co-response")
        verbose_name_plural = _("co-responses")

    def clean(self):
        super().clean()
        if self.arrived_at and self.arrived_at < self.requested_at:
            raise ValidationError({"arrived_at": _("They cannot arrive before they were asked.")})
        if self.left_at and (self.arrived_at is None or self.left_at < self.arrived_at):
            raise ValidationError({"left_at": _("They cannot leave before they arrived.")})
        if self.reason == "other" and not self.reason_text.strip():
            raise ValidationError({"reason_text": _("Say why in a few words.")})

    def __str__(self) -> str:
        return f"{self.agency} to {self.incident_id} at {self.requested_at:%Y-%m-%d %H:%M}"


class SceneCheck(models.Model):
    """A team on scene answers "All OK?" at an interval; this row says when the next answer is due.

    One row per assignment, made by the sweep when the team arrives and moved on by each answer. The
    sweep claims rows whose answer is late and alerts dispatch once per due time (`overdue_at`).
    """

    assignment = models.OneToOneField("incidents.Assignment", on_delete=models.PROTECT, related_name="scene_check")
    interval_minutes = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField(db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answers = models.PositiveIntegerField(default=0)
    overdue_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When dispatch was alerted that no answer came.")
    )

    class Meta:
        verbose_name = _("on-scene check-in")
        verbose_name_plural = _("on-scene check-ins")

    def __str__(self) -> str:
        return f"check-in of assignment {self.assignment_id} due {self.due_at:%H:%M}"
