"""Call centers as API clients, the versioned eligibility policy, and every screening decision.

A decision keeps the policy version it was made under; a published version never changes, so an
old decision can always be explained by the rules that were in force. Incidents themselves live in
apps.incidents and are written only through its services; this app keeps what intake adds to them.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class CenterKind(models.TextChoices):
    NINE_ONE_ONE = "911", "911"
    NINE_EIGHT_EIGHT = "988", "988 crisis line"
    TWO_ONE_ONE = "211", "211"
    THREE_ONE_ONE = "311", "311"
    OTHER = "other", "Other"


class ResponseType(models.TextChoices):
    ALTERNATIVE = "alternative", "Alternative response (our team alone)"
    CO_RESPONSE_POLICE = "co_response_police", "Co-response with police"
    CO_RESPONSE_EMS = "co_response_ems", "Co-response with EMS"
    SECONDARY = "secondary", "Secondary response after police clear"
    NOT_ELIGIBLE = "not_eligible", "Not eligible: route back"


# The more restrictive answer wins when several questions lead to different responses.
RESPONSE_SEVERITY = {
    ResponseType.ALTERNATIVE: 0,
    ResponseType.CO_RESPONSE_EMS: 1,
    ResponseType.SECONDARY: 2,
    ResponseType.CO_RESPONSE_POLICE: 3,
    ResponseType.NOT_ELIGIBLE: 4,
}


class Channel(models.TextChoices):
    SCREEN = "screen", "Screening page"
    EIDO = "eido", "NENA EIDO"
    OPEN311 = "open311", "Open311"


class CallCenter(models.Model):
    """A 911, 988, 211 or 311 center that sends calls. Its service user is who acts for its API keys."""

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=10, choices=CenterKind.choices, default=CenterKind.NINE_ONE_ONE)
    contact = models.CharField(max_length=200, blank=True, help_text="Who to call about the integration.")
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="call_center", editable=False
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class ApiKey(models.Model):
    """A call center's key. Only a hash is stored; the key itself is shown once when issued."""

    call_center = models.ForeignKey(CallCenter, on_delete=models.PROTECT, related_name="api_keys")
    prefix = models.CharField(max_length=16, unique=True, help_text="Public part of the key, used to find it.")
    hashed_secret = models.CharField(max_length=64)
    label = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def __str__(self) -> str:
        return f"{self.prefix}… ({'revoked' if self.is_revoked else 'active'})"


# --- the eligibility policy --------------------------------------------------------------------


class Policy(models.Model):
    """The program's written rules for which calls it takes. Its content lives in versions."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return self.name


class UnansweredCritical(models.TextChoices):
    HOLD = "hold", "Not yet safe to decide: ask, or override with a reason"
    ASSUME_YES = "assume_yes", "Treat it as a yes (the most cautious answer)"


class PolicyVersion(models.Model):
    """One version of a policy. A draft is edited; publishing freezes it and makes it the one in force."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    notes = models.TextField(blank=True, help_text="What changed and why.")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unanswered_critical = models.CharField(
        max_length=20,
        choices=UnansweredCritical.choices,
        default=UnansweredCritical.HOLD,
        help_text="What a critical safety question left unanswered means for a call.",
    )

    class Meta:
        ordering = ["policy", "-number"]
        constraints = [models.UniqueConstraint(fields=["policy", "number"], name="policy_version_number_unique")]

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def save(self, *args, **kwargs):
        if self.pk and PolicyVersion.objects.filter(pk=self.pk, published_at__isnull=False).exists():
            raise ValidationError("This policy version is published and cannot change. Make a new draft.")
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
            raise ValidationError("This policy version is published and cannot change. Make a new draft.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._version_published():
            raise ValidationError("This policy version is published and cannot change. Make a new draft.")
        return super().delete(*args, **kwargs)


class PolicyCallType(FrozenWhenPublished):
    """A call type the program takes under this version, and the codes call centers send for it."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="call_types")
    call_type = models.ForeignKey("incidents.CallType", on_delete=models.PROTECT, related_name="+")
    nature_codes = models.JSONField(
        default=list, blank=True, help_text='911 nature / EIDO incident type codes, e.g. ["WELFARE", "MENTAL"].'
    )
    open311_service_code = models.SlugField(max_length=40, blank=True, help_text="Open311 service_code.")
    priority = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)], help_text="Blank: default."
    )
    response_type = models.CharField(max_length=30, choices=ResponseType.choices, default=ResponseType.ALTERNATIVE)
    description = models.TextField(blank=True, help_text="Shown to Open311 clients and call-takers.")

    class Meta:
        ordering = ["version", "call_type__name"]
        constraints = [
            models.UniqueConstraint(fields=["version", "call_type"], name="policy_call_type_once"),
        ]

    def clean(self):
        if not isinstance(self.nature_codes, list) or not all(isinstance(c, str) for c in self.nature_codes):
            raise ValidationError({"nature_codes": "A list of code strings."})

    def effective_priority(self) -> int:
        return self.priority or self.call_type.default_priority

    def __str__(self) -> str:
        return f"{self.call_type} under v{self.version.number}" if self.version_id else str(self.call_type)


class ScreeningQuestion(FrozenWhenPublished):
    """A yes/no question the call-taker asks; a yes leads to a response type and may raise priority."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=40, help_text="Stable name, e.g. weapon_involved.")
    text = models.CharField(max_length=200)
    help_text = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    yes_leads_to = models.CharField(max_length=30, choices=ResponseType.choices)
    yes_reason = models.CharField(max_length=200, help_text="Why a yes leads there, in plain words.")
    priority_if_yes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    critical = models.BooleanField(
        default=False,
        help_text="A safety question with no default answer: left unanswered, the call is not yet safe to decide. "
        "Weapons, violence and medical emergency are always critical.",
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


# --- decisions and what intake keeps about a call ----------------------------------------------


class ScreeningDecision(models.Model):
    """What was decided about one call, under which policy version, by whom, from which answers."""

    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="decisions")
    call_type = models.ForeignKey(
        "incidents.CallType", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.SCREEN)
    call_center = models.ForeignKey(
        CallCenter, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    answers = models.JSONField(default=dict, blank=True)
    recommended = models.CharField(max_length=30, choices=ResponseType.choices)
    response_type = models.CharField(max_length=30, choices=ResponseType.choices, help_text="After any override.")
    reasons = models.JSONField(default=list, blank=True)
    priority = models.PositiveSmallIntegerField(null=True, blank=True)
    overridden = models.BooleanField(default=False)
    override_reason = models.CharField(max_length=300, blank=True)
    incident = models.OneToOneField(
        "incidents.Incident", null=True, blank=True, on_delete=models.PROTECT, related_name="screening"
    )
    location_text = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-decided_at", "-id"]

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("update_fields"):
            raise RuntimeError("A screening decision is never rewritten; only its incident link is set once.")
        super().save(*args, **kwargs)

    @property
    def eligible(self) -> bool:
        return self.response_type != ResponseType.NOT_ELIGIBLE

    def __str__(self) -> str:
        return f"Decision {self.pk}: {self.get_response_type_display()}"


class Handback(models.Model):
    """A call routed back to the call center (not eligible, or police requested), with the EIDO sent."""

    decision = models.ForeignKey(
        ScreeningDecision, null=True, blank=True, on_delete=models.PROTECT, related_name="handbacks"
    )
    incident = models.ForeignKey(
        "incidents.Incident", null=True, blank=True, on_delete=models.PROTECT, related_name="handbacks"
    )
    call_center = models.ForeignKey(CallCenter, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)
    document = models.JSONField(default=dict, blank=True, help_text="The EIDO handed back.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Handback {self.pk}: {self.reason}"


class UnmetNeed(models.Model):
    """An eligible call that arrived when no team was available: the program counts these."""

    decision = models.OneToOneField(ScreeningDecision, on_delete=models.PROTECT, related_name="unmet_need")
    incident = models.ForeignKey(
        "incidents.Incident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    call_type = models.ForeignKey(
        "incidents.CallType", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"Unmet need at {self.recorded_at:%Y-%m-%d %H:%M}"


class DuplicateStatus(models.TextChoices):
    OPEN = "open", "Flagged"
    LINKED = "linked", "Linked as duplicate"
    DISMISSED = "dismissed", "Not a duplicate"


class DuplicateFlag(models.Model):
    """A new call close in place and time to an open incident; a dispatcher links or dismisses it."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT, related_name="duplicate_flags")
    candidate = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT, related_name="+")
    distance_m = models.FloatField()
    minutes_apart = models.FloatField()
    status = models.CharField(max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["incident", "candidate"], name="duplicate_flag_once")]

    def __str__(self) -> str:
        return f"Possible duplicate: {self.incident_id} ~ {self.candidate_id}"


class EidoDocument(models.Model):
    """The latest EIDO a call center sent for a call; its `$id` maps every resubmission to one incident."""

    call_center = models.ForeignKey(CallCenter, on_delete=models.PROTECT, related_name="eido_documents")
    eido_id = models.CharField(max_length=255)
    incident = models.ForeignKey(
        "incidents.Incident", null=True, blank=True, on_delete=models.PROTECT, related_name="eido_documents"
    )
    decision = models.ForeignKey(
        ScreeningDecision, null=True, blank=True, on_delete=models.PROTECT, related_name="eido_documents"
    )
    document = models.JSONField()
    parsed = models.JSONField(default=dict, blank=True, help_text="What Firstline read from the document.")
    received_count = models.PositiveIntegerField(default=1)
    first_received_at = models.DateTimeField()
    last_received_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_received_at"]
        verbose_name = "EIDO document"
        constraints = [models.UniqueConstraint(fields=["call_center", "eido_id"], name="eido_once_per_center")]

    def __str__(self) -> str:
        return self.eido_id


class Open311Request(models.Model):
    """An Open311 service request, so the center can read back its status by id."""

    call_center = models.ForeignKey(CallCenter, on_delete=models.PROTECT, related_name="open311_requests")
    decision = models.OneToOneField(ScreeningDecision, on_delete=models.PROTECT, related_name="open311_request")
    service_code = models.CharField(max_length=40)
    description = models.TextField(blank=True)
    address_string = models.CharField(max_length=300, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    contact = models.JSONField(default=dict, blank=True)
    requested_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = "Open311 request"

    def __str__(self) -> str:
        return f"Open311 request {self.pk}"
