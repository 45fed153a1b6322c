"""Teams (units), who is on them, their shifts, and their status with its full history."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Capability(models.TextChoices):
    PEER_SUPPORT = "peer_support", _("Peer support")
    CLINICIAN = "clinician", _("Mental-health clinician")
    EMT = "emt", _("EMT")
    PARAMEDIC = "paramedic", _("Paramedic")
    SPANISH = "spanish", _("Spanish speaker")
    VEHICLE = "vehicle", _("Vehicle")
    TRANSPORT = "transport", _("Can transport")
    RADIO = "radio", _("Radio")


class UnitStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    ASSIGNED = "assigned", _("Assigned")
    EN_ROUTE = "en_route", _("En route")
    ON_SCENE = "on_scene", _("On scene")
    TRANSPORTING = "transporting", _("Transporting")
    AT_DESTINATION = "at_destination", _("At destination")
    OUT_OF_SERVICE = "out_of_service", _("Out of service")
    OFF_DUTY = "off_duty", _("Off duty")


# Statuses in which a team is working a call.
BUSY_STATUSES = {
    UnitStatus.ASSIGNED,
    UnitStatus.EN_ROUTE,
    UnitStatus.ON_SCENE,
    UnitStatus.TRANSPORTING,
    UnitStatus.AT_DESTINATION,
}


class Team(models.Model):
    call_sign = models.CharField(max_length=20, unique=True, help_text=_("What dispatch calls the unit on the radio."))
    name = models.CharField(max_length=100, blank=True)
    capabilities = models.JSONField(default=list, blank=True, help_text=_("Capability codes, e.g. clinician, emt."))
    vehicle = models.CharField(max_length=60, blank=True, help_text=_("Vehicle number or plate."))
    radio = models.CharField(max_length=60, blank=True, help_text=_("Radio identifier."))
    home_district = models.CharField(max_length=60, blank=True)
    active = models.BooleanField(default=True)
    status = models.CharField(max_length=20, choices=UnitStatus.choices, default=UnitStatus.OFF_DUTY)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    last_latitude = models.FloatField(null=True, blank=True)
    last_longitude = models.FloatField(null=True, blank=True)
    last_position_at = models.DateTimeField(null=True, blank=True)
    last_position_accuracy_m = models.FloatField(
        null=True, blank=True, help_text=_("How far off the last position may be, in metres.")
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["call_sign"]

    def clean(self):
        unknown = set(self.capabilities or []) - set(Capability.values)
        if unknown:
            raise ValidationError(
                {"capabilities": _("Unknown capabilities: %(unknown)s.") % {"unknown": ", ".join(sorted(unknown))}}
            )

    def __str__(self) -> str:
        return self.call_sign


class Membership(models.Model):
    """A responder's place on a team; one active team at a time."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    position = models.CharField(max_length=60, blank=True, help_text=_("e.g. peer specialist, clinician, EMT."))
    active = models.BooleanField(default=True)
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["team", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=models.Q(active=True), name="one_active_team_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.team}"


class Shift(models.Model):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="shifts")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="shifts")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"


class UnitStatusChange(models.Model):
    """Every status a team has been in, in order; never edited."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="status_history")
    status = models.CharField(max_length=20, choices=UnitStatus.choices)
    previous_status = models.CharField(max_length=20, choices=UnitStatus.choices, blank=True)
    changed_at = models.DateTimeField(db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignment = models.ForeignKey(
        "incidents.Assignment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.team} → {self.status}"


class Certification(models.Model):
    """A responder's training or certification; expiries raise follow-ups."""

    class Kind(models.TextChoices):
        EMT = "emt", _("EMT")
        PARAMEDIC = "paramedic", _("Paramedic")
        CPR = "cpr", _("CPR / BLS")
        NALOXONE = "naloxone", _("Naloxone administration")
        CIT = "cit", _("Crisis intervention (CIT)")
        DEESCALATION = "deescalation", _("De-escalation")
        PEER_SPECIALIST = "peer_specialist", _("Certified peer specialist")
        CLINICAL_LICENSE = "clinical_license", _("Clinical license")
        DRIVER = "driver", _("Emergency vehicle operation")
        OTHER = "other", _("Other")

    responder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certifications")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=120, blank=True)
    issued_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    reference = models.CharField(max_length=80, blank=True, help_text=_("License or certificate number."))

    class Meta:
        ordering = ["expires_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.responder}"


class PositionReport(models.Model):
    """Where a team's tablet was, as it reported (AVL). Kept as the history of every position, so a
    call's track can be read back; only a newer report moves the team's current position."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="positions")
    latitude = models.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])
    accuracy_m = models.FloatField(null=True, blank=True, help_text=_("How far off the position may be, in metres."))
    at = models.DateTimeField(help_text=_("When the tablet was there (its clock, never later than arrival)."))
    received_at = models.DateTimeField(auto_now_add=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["team", "at"]
        indexes = [models.Index(fields=["team", "at"])]
        verbose_name = _("position report")
        verbose_name_plural = _("position reports")

    def __str__(self) -> str:
        return f"{self.team_id} at {self.at:%Y-%m-%d %H:%M:%S}"
