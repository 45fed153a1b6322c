"""Responder safety: a team's emergency (the button on the tablet) from raise to resolve.

An emergency is a record of what happened, never deleted: who raised it, where the tablet last was,
who at dispatch acknowledged it and who resolved it.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


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
