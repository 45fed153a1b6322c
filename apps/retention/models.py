"""One row per retention run: what it cut off and how many records it changed, per kind."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RetentionRun(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    dry_run = models.BooleanField(default=False)
    cutoffs = models.JSONField(default=dict, help_text=_("kind -> ISO time before which records were past retention."))
    counts = models.JSONField(default=dict, help_text=_("kind -> {record kind: count}."))

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{'Dry run' if self.dry_run else 'Run'} at {self.at:%Y-%m-%d %H:%M}"
