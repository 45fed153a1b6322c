"""What the tablets sent: one row per applied mutation, so a replay is answered, never re-applied."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppliedMutation(models.Model):
    """A mutation the server applied, written in the same transaction as the change it made.

    The primary key is the tablet's mutation id: the database's unique constraint, not a
    check-then-insert, is what makes a mutation apply at most once.
    """

    id = models.UUIDField(primary_key=True, help_text=_("The mutation id chosen by the tablet."))
    device = models.ForeignKey("accounts.Device", on_delete=models.PROTECT, related_name="applied_mutations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    type = models.CharField(max_length=40)
    record = models.CharField(max_length=64, blank=True, help_text=_("The id of the record the mutation changed."))
    body_hash = models.CharField(
        max_length=64, help_text=_("SHA-256 of the mutation's body, to tell a replay from a reuse.")
    )
    result = models.JSONField(default=dict, help_text=_("The answer given when it was applied, returned on replay."))
    device_time = models.DateTimeField(null=True, blank=True, help_text=_("The tablet's clock: data, not truth."))
    applied_at = models.DateTimeField(auto_now_add=True, help_text=_("The server's clock."))

    class Meta:
        ordering = ["-applied_at"]
        indexes = [models.Index(fields=["device", "applied_at"])]

    def __str__(self) -> str:
        return f"{self.type} {self.record} ({str(self.id)[:8]})"
