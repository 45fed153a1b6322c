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
