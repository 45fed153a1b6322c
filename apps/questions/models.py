"""The questions a program adds to the encounter form, in versions.

A version is drafted in the admin, then published; once published it never changes (editing starts a
new draft from it), because tablets answer against the version they hold and the answers are kept
with it. The core encounter fields (apps/incidents) are not here and never move here.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionKind(models.TextChoices):
    YES_NO = "yes_no", _("Yes or no")
    CHOICE = "choice", _("One choice")
    CHOICES = "choices", _("Several choices")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Short text")
    DATE = "date", _("Date")


class FormVersion(models.Model):
    """One version of the program's own encounter questions: a draft, then published for good."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True, help_text=_("What changed, for other supervisors."))
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("based on")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        verbose_name = _("encounter form version")
        verbose_name_plural = _("encounter form versions")

    def __str__(self) -> str:
        return _("Encounter questions, version %(number)s") % {"number": self.number}

    @property
    def published(self) -> bool:
        return self.published_at is not None

    def save(self, *args, **kwargs):
        if self.pk is not None and FormVersion.objects.filter(pk=self.pk, published_at__isnull=False).exists():
            raise RuntimeError("A published form version never changes; start a new draft from it.")
        super().save(*args, **kwargs)


class Question(models.Model):
    """One question of a version. `key` names it across versions, so answers can be counted together."""

    form_version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    key = models.SlugField(
        _("key"),
        max_length=40,
        help_text=_("A short name for the answers' column, e.g. naloxone. Keep it across versions."),
    )
    kind = models.CharField(_("type"), max_length=10, choices=QuestionKind.choices)
    label = models.CharField(_("question (English)"), max_length=200)
    label_es = models.CharField(_("question (Spanish)"), max_length=200, blank=True)
    help_text = models.CharField(_("help text (English)"), max_length=300, blank=True)
    help_text_es = models.CharField(_("help text (Spanish)"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=False)
    # [{"value": "nasal", "label": "Nasal spray", "label_es": "Aerosol nasal"}, ...] for one or several choices.
    choices = models.JSONField(_("choices"), default=list, blank=True)
    min_value = models.FloatField(_("lowest number"), null=True, blank=True)
    max_value = models.FloatField(_("highest number"), null=True, blank=True)
    show_if_question = models.SlugField(
        _("shown only if question"), max_length=40, blank=True, help_text=_("The key of an earlier question.")
    )
    # The earlier question's answers that show this one: "yes"/"no" for a yes-or-no question, else choice values.
    show_if_answers = models.JSONField(_("has one of these answers"), default=list, blank=True)
    # Call type codes; empty means every call type.
    call_types = models.JSONField(_("only for call types"), default=list, blank=True)

    class Meta:
        ordering = ["form_version", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["form_version", "key"], name="question_key_unique_in_version")]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs):
        if FormVersion.objects.filter(pk=self.form_version_id, published_at__isnull=False).exists():
            raise RuntimeError("A published form version never changes; start a new draft from it.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if FormVersion.objects.filter(pk=self.form_version_id, published_at__isnull=False).exists():
            raise RuntimeError("A published form version never changes; start a new draft from it.")
        return super().delete(*args, **kwargs)
