"""Incidents (calls for service), the teams assigned to them, and what responders documented."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from apps.common.crypto import EncryptedJSONField, EncryptedTextField, lookup_digest
from apps.incidents.states import ACTIVE_ASSIGNMENT_STATUSES, AssignmentStatus, IncidentStatus


class Source(models.TextChoices):
    NINE_ONE_ONE = "911", "911"
    NINE_EIGHT_EIGHT = "988", _("988 crisis line")
    TWO_ONE_ONE = "211", "211"
    THREE_ONE_ONE = "311", "311"
    POLICE_REQUEST = "police_request", _("Police request")
    SELF_INITIATED = "self_initiated", _("Self-initiated (on view)")
    WALK_UP = "walk_up", _("Walk-up")


class LocationSource(models.TextChoices):
    """How the call's coordinates were obtained ('' for calls recorded before this was kept)."""

    DEVICE = "device", _("From the caller's device or the call center")
    GEOCODED = "geocoded", _("Found by the geocoder from the address")
    PICKED = "picked", _("Picked by the call-taker")
    NONE = "none", _("No coordinates")


class Disposition(models.TextChoices):
    RESOLVED_ON_SCENE = "resolved_on_scene", _("Resolved on scene")
    TRANSPORTED = "transported", _("Transported")
    REFERRED = "referred", _("Referred")
    DECLINED_SERVICES = "declined_services", _("Declined services")
    NO_PERSON_FOUND = "no_person_found", _("No person found")
    POLICE_REQUESTED = "police_requested", _("Police requested")
    EMS_REQUESTED = "ems_requested", _("EMS requested")
    INVOLUNTARY_HOLD = "involuntary_hold", _("Involuntary hold")
    ARREST_BY_POLICE = "arrest_by_police", _("Arrest by police")


class Coverage(models.TextChoices):
    """How the person's care is paid for, as they said or as known; blank means nobody recorded it."""

    MEDICAID = "medicaid", _("Medicaid")
    MEDICARE = "medicare", _("Medicare")
    PRIVATE = "private", _("Private insurance")
    OTHER = "other", _("Other coverage")
    NONE = "none", _("No coverage")
    UNKNOWN = "unknown", _("Asked, not known")


class CallType(models.Model):
    """A kind of call the program answers, and what a team needs to take it."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    # The name in the program's other languages, by language code ({"es": "..."}): a new language
    # is a new key, not a new column. A language left out shows `name`.
    names = models.JSONField(default=dict, blank=True)
    description = models.TextField(blank=True)
    default_priority = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    required_capabilities = models.JSONField(default=list, blank=True)
    needs_second_team = models.BooleanField(
        _("needs a second team"),
        default=False,
        help_text=_("The board recommends adding a second team once the first one is on the call."),
    )
    checkin_minutes = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(2), MaxValueValidator(120)],
        help_text=_("Minutes between 'All OK?' check-ins while a team is on scene; empty uses the priority's."),
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.shown_name()

    def clean(self):
        super().clean()
        known = {code for code, _label in settings.LANGUAGES}
        if not isinstance(self.names, dict) or any(
            code not in known or not isinstance(text, str) for code, text in self.names.items()
        ):
            raise ValidationError({"names": _("Give each name as text under a language code of the program.")})
        self.names = {code: text.strip() for code, text in self.names.items() if text.strip()}

    def shown_name(self, language: str | None = None) -> str:
        """The name in `language` (default: the active one), else as the program wrote it."""
        code = (language or translation.get_language() or "").split("-")[0]
        return (self.names or {}).get(code) or self.name


class Incident(models.Model):
    received_at = models.DateTimeField(db_index=True, help_text=_("When the call reached the program."))
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.NINE_ONE_ONE)
    call_type = models.ForeignKey(CallType, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents")
    priority = models.PositiveSmallIntegerField(default=3, validators=[MinValueValidator(1), MaxValueValidator(4)])
    summary = models.TextField()
    location_text = models.CharField(max_length=300)
    latitude = models.FloatField(null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)])
    district = models.CharField(max_length=60, blank=True, db_index=True)
    location_source = models.CharField(max_length=20, choices=LocationSource.choices, blank=True)
    location_score = models.FloatField(
        null=True, blank=True, help_text=_("The geocoder's score (0-1) when it found the coordinates.")
    )
    # Who called and what they said are encrypted at rest (apps/common/crypto.py); find calls from
    # one number through `callback_digest`, never by filtering on `callback`.
    callback = EncryptedTextField(blank=True, help_text=_("Callback number or URI."))
    callback_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    caller_name = EncryptedTextField(blank=True)
    caller_notes = EncryptedTextField(blank=True, help_text=_("What the call-taker learned."))
    caller_language = models.CharField(
        max_length=40, blank=True, help_text=_("The caller's preferred language (ISO 639-1 code, e.g. es).")
    )
    safety_notes = EncryptedTextField(blank=True)
    safety_flags = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=20, choices=IncidentStatus.choices, default=IncidentStatus.PENDING)
    disposition = models.CharField(max_length=30, choices=Disposition.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)
    external_id = models.CharField(
        max_length=200, blank=True, db_index=True, help_text=_("The call center's id for this call, e.g. an EIDO $id.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    deidentified_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the retention policy removed the personal details (apps.retention).")
    )

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["status", "priority", "received_at"])]

    DIGESTS = {"callback_digest": "callback"}

    def save(self, *args, **kwargs):
        # The digest is the callback in another form, so it is kept with it, whoever saves.
        self.callback_digest = lookup_digest(self.callback)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "callback" in update_fields:
            kwargs["update_fields"] = {*update_fields, "callback_digest"}
        super().save(*args, **kwargs)

    @property
    def reference(self) -> str:
        return f"FL-{self.received_at:%y%m%d}-{self.pk:05d}" if self.pk else "FL-new"

    def __str__(self) -> str:
        return f"{self.reference} {self.location_text}"


class Assignment(models.Model):
    """One team sent to one incident, with a stamp for every step of the response."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="assignments")
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(max_length=20, choices=AssignmentStatus.choices, default=AssignmentStatus.DISPATCHED)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dispatched_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    en_route_at = models.DateTimeField(null=True, blank=True)
    on_scene_at = models.DateTimeField(null=True, blank=True)
    transport_started_at = models.DateTimeField(null=True, blank=True)
    at_destination_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)
    escalated_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the board was alerted that the team had not acknowledged.")
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-dispatched_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["team"],
                condition=models.Q(status__in=sorted(ACTIVE_ASSIGNMENT_STATUSES)),
                name="one_active_assignment_per_team",
            ),
        ]

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_ASSIGNMENT_STATUSES

    def __str__(self) -> str:
        return f"{self.team} → {self.incident.reference if self.incident_id else '?'} ({self.status})"


class AssignmentReceipt(models.Model):
    """A team member's tablet acknowledged (at the protocol level) the event that sent it to a call.

    This is proof of delivery, not a person's acknowledgement: the assignment stays `dispatched` and
    can still be escalated until someone on the team acknowledges it.
    """

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    stream = models.CharField(max_length=64)
    seq = models.BigIntegerField()
    delivered_at = models.DateTimeField()

    class Meta:
        ordering = ["delivered_at"]
        constraints = [models.UniqueConstraint(fields=["assignment", "user"], name="assignment_receipt_once_per_user")]

    def __str__(self) -> str:
        return f"assignment {self.assignment_id} delivered to {self.user_id}"


class IncidentLogEntry(models.Model):
    """The incident's timeline: every step, in the program's words, for the board and for review."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="timeline")
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=40)
    text = models.CharField(max_length=300, help_text=_("The entry as recorded, in English."))
    # What `text` was built from, so it can be shown in the reader's language (apps/incidents/timeline.py):
    # an English sentence with named placeholders, as in the catalog, and its values.
    message = models.CharField(max_length=200, blank=True)
    params = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = _("incident log entries")

    def __str__(self) -> str:
        # The kind, not the English text: the admin shows this above the entry in the reader's words.
        return f"{self.at:%H:%M:%S} {self.kind}"


class Encounter(models.Model):
    """A team's contact with people at an incident. Its content lives in append-only versions."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, help_text=_("Chosen by the tablet that created it."))
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="encounters")
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="encounters"
    )
    team = models.ForeignKey("teams.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="encounters")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Set when built, not when saved: a tablet's sync writes these rows in bulk and has answered with
    # this time already.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    current_version = models.PositiveIntegerField(default=0)
    disposition = models.CharField(max_length=30, choices=Disposition.choices, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Encounter {str(self.id)[:8]} at {self.incident.reference if self.incident_id else '?'}"


class EncounterVersion(models.Model):
    """One complete statement of an encounter. Never edited; a newer version supersedes it."""

    encounter = models.ForeignKey(Encounter, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    people_served = models.PositiveSmallIntegerField(default=1)
    needs = models.JSONField(default=list, blank=True)
    services_provided = models.JSONField(default=list, blank=True)
    disposition = models.CharField(max_length=30, choices=Disposition.choices)
    followup_needed = models.BooleanField(default=False)
    referral_needed = models.BooleanField(default=False)
    coverage = models.CharField(
        _("coverage"),
        max_length=20,
        choices=Coverage.choices,
        blank=True,
        help_text=_("Optional: how the person's care is paid for (Medicaid billing needs it)."),
    )
    narrative = EncryptedTextField(blank=True)
    person = EncryptedJSONField(
        default=dict, blank=True, help_text=_("Optional: name or alias, age range, language, housing status.")
    )
    # The program's own questions (apps/questions): the published version the tablet answered, and
    # the answers by question key, as that version asked them (never mapped onto a newer one).
    form_version = models.ForeignKey(
        "questions.FormVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answers = models.JSONField(default=dict, blank=True)
    authored_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    device = models.ForeignKey("accounts.Device", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    device_time = models.DateTimeField(null=True, blank=True, help_text=_("The tablet's clock: data, not truth."))
    # Set when built, not when saved: a tablet's sync writes these rows in bulk and has answered with
    # this time already.
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["encounter", "number"]
        constraints = [models.UniqueConstraint(fields=["encounter", "number"], name="encounter_version_number_unique")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Encounter versions are append-only; record a new version instead.")
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"v{self.number} of {self.encounter_id}"


class EncounterNote(models.Model):
    """A note added to an encounter later, from any device, overwriting nothing."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    encounter = models.ForeignKey(Encounter, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField()
    device_time = models.DateTimeField(null=True, blank=True)
    # Set when built, not when saved: a tablet's sync writes these rows in bulk and has answered with
    # this time already.
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Note on {self.encounter_id}"
