"""The append-only access log. The application never updates or deletes a row here.

Rows are chained: each stores the hash of the row before it and a hash over its own content
(apps/audit/chain.py), so `manage.py audit_verify` finds any edit or deletion, even one made by
someone who could switch the database's triggers off.
"""

from django.conf import settings
from django.db import connections, models, router, transaction
from django.utils.translation import gettext_lazy as _

from apps.audit import chain


class Door(models.TextChoices):
    API = "api", _("API")
    WEBSOCKET = "websocket", _("Websocket")
    ADMIN = "admin", _("Admin")
    PAGE = "page", _("Page")
    TASK = "task", _("Background task")
    COMMAND = "command", _("Management command")
    EXPORT = "export", _("Export")


class Outcome(models.TextChoices):
    OK = "ok", _("Allowed")
    DENIED = "denied", _("Refused")
    FAILED = "failed", _("Failed")


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
    record_ids = models.JSONField(
        default=list, blank=True, help_text=_("Every record this entry disclosed (a list read, a stream followed).")
    )
    # Set when the row joins the chain: on PostgreSQL by the database as the writing transaction
    # commits, elsewhere by apps.audit.chain in that transaction. Never set by hand.
    chain_seq = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    row_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"]),
            models.Index(fields=["id"], condition=models.Q(chain_seq__isnull=True), name="audit_unchained"),
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Audit entries are append-only.")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        if connections[using].vendor == "postgresql":
            super().save(*args, **kwargs)  # the database chains the row as the transaction commits
            return
        with transaction.atomic(using=using):
            super().save(*args, **kwargs)
            chain.seal_pending(connections[using])

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit entries are append-only.")

    def __str__(self) -> str:
        who = self.actor_username or "-"
        return f"{self.at:%Y-%m-%d %H:%M:%S} {who} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """The one row holding the end of the chain; locking it serialises everyone who extends it."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"audit chain at {self.last_seq}"
