"""What intake keeps about a call: the screening decision, handbacks, unmet needs, duplicate flags,
and the EIDO and Open311 documents as received.

Incidents themselves live in apps.incidents and are written only through its services.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.intake.models.centers import CallCenter, Channel
from apps.intake.models.policy import PolicyVersion, ResponseType


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
    response_type = models.CharField(max_length=30, choices=ResponseType.choices, help_text=_("After any override."))
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
    document = models.JSONField(default=dict, blank=True, help_text=_("The EIDO handed back."))
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
    OPEN = "open", _("Flagged")
    LINKED = "linked", _("Linked as duplicate")
    DISMISSED = "dismissed", _("Not a duplicate")


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
    parsed = models.JSONField(default=dict, blank=True, help_text=_("What Firstline read from the document."))
    received_count = models.PositiveIntegerField(default=1)
    first_received_at = models.DateTimeField()
    last_received_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_received_at"]
        verbose_name = _("EIDO document")
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
        verbose_name = _("Open311 request")

    def __str__(self) -> str:
        return f"Open311 request {self.pk}"
