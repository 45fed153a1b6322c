"""The append-only access log. The application never updates or deletes a row here."""

from django.conf import settings
from django.db import models


class Door(models.TextChoices):
    API = "api", "API"
    WEBSOCKET = "websocket", "Websocket"
    ADMIN = "admin", "Admin"
    PAGE = "page", "Page"
    TASK = "task", "Background task"
    COMMAND = "command", "Management command"
    EXPORT = "export", "Export"


class Outcome(models.TextChoices):
    OK = "ok", "Allowed"
    DENIED = "denied", "Refused"
    FAILED = "failed", "Failed"


class AuditEntry(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    door = models.CharField(max_length=12, choices=Door.choices)
    ip = models.GenericIPAddressField(null=True, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.OK)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit entries are append-only.")

    def __str__(self) -> str:
        who = self.actor_username or "-"
        return f"{self.at:%Y-%m-%d %H:%M:%S} {who} {self.action} {self.object_type}:{self.object_id}"
