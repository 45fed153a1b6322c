"""A supervisor's look back at a screened-out call: could the team have served it after all?

One current review per screened-out decision; a new answer replaces it, and every answer given is
kept in the audit log (`intake.screening_review`, with the answer it replaced). The note is
encrypted at rest like what callers say (apps/common/crypto.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.common.crypto import EncryptedTextField
from apps.intake.models.calls import ScreeningDecision

REVIEW_NOTE_MAX = 500


class CouldHaveServed(models.TextChoices):
    YES = "yes", _("Yes, the team could have served it")
    NO = "no", _("No, screening it out was right")
    UNSURE = "unsure", _("Unsure")


class ScreeningReview(models.Model):
    decision = models.OneToOneField(ScreeningDecision, on_delete=models.PROTECT, related_name="review")
    could_have_served = models.CharField(
        _("could the team have served this call?"), max_length=10, choices=CouldHaveServed.choices
    )
    note = EncryptedTextField(_("note"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField()

    class Meta:
        ordering = ["-reviewed_at", "-id"]
        verbose_name = _("screening review")
        verbose_name_plural = _("screening reviews")

    def __str__(self) -> str:
        return f"Review of decision {self.decision_id}: {self.could_have_served}"


class ScreenedOutCall(ScreeningDecision):
    """The screened-out decisions, as the admin's list of calls to review (a proxy: no table)."""

    class Meta:
        proxy = True
        ordering = ["-decided_at", "-id"]
        verbose_name = _("screened-out call to review")
        verbose_name_plural = _("screened-out calls to review")
