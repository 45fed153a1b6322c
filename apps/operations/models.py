"""What the running installation says about itself: heartbeats of its processes, and alerts."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last time a part of the installation showed it was alive (one row per part)."""

    class Part(models.TextChoices):
        WORKER = "worker", _("Celery worker")
        BEAT = "beat", _("Celery beat")
        TASKS = "tasks", _("Scheduled tasks (beat → broker → worker)")
        STREAM = "stream", _("Live stream delivery (channel layer)")

    part = models.CharField(max_length=20, choices=Part.choices, primary_key=True)
    at = models.DateTimeField()
    detail = models.CharField(max_length=200, blank=True, default="")

    def __str__(self) -> str:
        return f"{self.part} at {self.at:%Y-%m-%d %H:%M:%S}"


class Alert(models.Model):
    """A stopped part, raised once while it stays stopped and cleared when it comes back."""

    part = models.CharField(max_length=20, choices=Heartbeat.Part.choices)
    message = models.CharField(max_length=300)
    raised_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["part"], condition=models.Q(cleared_at__isnull=True), name="one_open_alert_per_part"
            )
        ]

    def __str__(self) -> str:
        return self.message
