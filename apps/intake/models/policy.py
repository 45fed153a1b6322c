"""The versioned eligibility policy: which calls the program takes, the questions asked, the targets.

A published version never changes, so an old decision can always be explained by the rules that
were in force.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ResponseType(models.TextChoices):
    ALTERNATIVE = "alternative", _("Alternative response (our team alone)")
    CO_RESPONSE_POLICE = "co_response_police", _("Co-response with police")
    CO_RESPONSE_EMS = "co_response_ems", _("Co-response with EMS")
    SECONDARY = "secondary", _("Secondary response after police clear")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible: route back")


# The more restrictive answer wins when several questions lead to different responses.
RESPONSE_SEVERITY = {
    ResponseType.ALTERNATIVE: 0,
    ResponseType.CO_RESPONSE_EMS: 1,
    ResponseType.SECONDARY: 2,
    ResponseType.CO_RESPONSE_POLICE: 3,
    ResponseType.NOT_ELIGIBLE: 4,
}


class Policy(models.Model):
    """The program's written rules for which calls it takes. Its content lives in versions."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("policies")

    def __str__(self) -> str:
        return self.name


class UnansweredCritical(models.TextChoices):
    HOLD = "hold", _("Not yet safe to decide: ask, or override with a reason")
    ASSUME_YES = "assume_yes", _("Treat it as a yes (the most cautious answer)")


class PolicyVersion(models.Model):
    """One version of a policy. A draft is edited; publishing freezes it and makes it the one in force."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    notes = models.TextField(blank=True, help_text=_("What changed and why."))
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unanswered_critical = models.CharField(
        max_length=20,
        choices=UnansweredCritical.choices,
        default=UnansweredCritical.HOLD,
        help_text=_("What a critical safety question left unanswered means for a call."),
    )

    class Meta:
        ordering = ["policy", "-number"]
        constraints = [models.UniqueConstraint(fields=["policy", "number"], name="policy_version_number_unique")]

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def save(self, *args, **kwargs):
        if self.pk and PolicyVersion.objects.filter(pk=self.pk, published_at__isnull=False).exists():
            raise ValidationError(_("This policy version is published and cannot change. Make a new draft."))
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        state = "published" if self.is_published else "draft"
        return f"{self.policy.name} v{self.number} ({state})"


class FrozenWhenPublished(models.Model):
    """Rows of a published version cannot change; edit a new draft instead."""

    class Meta:
        abstract = True

    def _version_published(self) -> bool:
        if not self.version_id:
            return False
        return PolicyVersion.objects.filter(pk=self.version_id, published_at__isnull=False).exists()

    def save(self, *args, **kwargs):
        if self._version_published():
            raise ValidationError(_("This policy version is published and cannot change. Make a new draft."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._version_published():
            raise ValidationError(_("This policy version is published and cannot change. Make a new draft."))
        return super().delete(*args, **kwargs)


class PolicyCallType(FrozenWhenPublished):
    """A call type the program takes under this version, and the codes call centers send for it."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="call_types")
    call_type = models.ForeignKey("incidents.CallType", on_delete=models.PROTECT, related_name="+")
    nature_codes = models.JSONField(
        default=list, blank=True, help_text=_('911 nature / EIDO incident type codes, e.g. ["WELFARE", "MENTAL"].')
    )
    open311_service_code = models.SlugField(max_length=40, blank=True, help_text=_("Open311 service_code."))
    priority = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)], help_text=_("Blank: default.")
    )
    response_type = models.CharField(max_length=30, choices=ResponseType.choices, default=ResponseType.ALTERNATIVE)
    description = models.TextField(blank=True, help_text=_("Shown to Open311 clients and call-takers."))

    class Meta:
        ordering = ["version", "call_type__name"]
        constraints = [
            models.UniqueConstraint(fields=["version", "call_type"], name="policy_call_type_once"),
        ]

    def clean(self):
        if not isinstance(self.nature_codes, list) or not all(isinstance(c, str) for c in self.nature_codes):
            raise ValidationError({"nature_codes": _("A list of code strings.")})

    def effective_priority(self) -> int:
        return self.priority or self.call_type.default_priority

    def __str__(self) -> str:
        return f"{self.call_type} under v{self.version.number}" if self.version_id else str(self.call_type)


class ScreeningQuestion(FrozenWhenPublished):
    """A yes/no question the call-taker asks; a yes leads to a response type and may raise priority."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=40, help_text=_("Stable name, e.g. weapon_involved."))
    text = models.CharField(max_length=200)
    help_text = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    yes_leads_to = models.CharField(max_length=30, choices=ResponseType.choices)
    yes_reason = models.CharField(max_length=200, help_text=_("Why a yes leads there, in plain words."))
    priority_if_yes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    critical = models.BooleanField(
        default=False,
        help_text=_(
            "A safety question with no default answer: left unanswered, the call is not yet safe to decide. "
            "Weapons, violence and medical emergency are always critical."
        ),
    )

    class Meta:
        ordering = ["version", "order", "key"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="screening_question_key_once")]

    def __str__(self) -> str:
        return self.text


class PriorityTarget(FrozenWhenPublished):
    """The response-time target for one priority under this version."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="targets")
    priority = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(4)])
    minutes = models.PositiveIntegerField()
    label = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["version", "priority"]
        constraints = [models.UniqueConstraint(fields=["version", "priority"], name="priority_target_once")]

    def __str__(self) -> str:
        return f"P{self.priority}: {self.minutes} min"
