"""What the community tells the program, and what the program does to be known and trusted.

Community feedback comes through a public form with no sign-in and lands in a supervisor queue;
outreach events and call-center training sessions are recorded by supervisors. Both are counted
(apps/insights) and shown in aggregate on the public pages; a message's words and contact are
read only by supervisors.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.common.crypto import EncryptedTextField


class FeedbackKind(models.TextChoices):
    COMPLIMENT = "compliment", _("Compliment")
    CONCERN = "concern", _("Concern")
    SUGGESTION = "suggestion", _("Suggestion")


class FeedbackStatus(models.TextChoices):
    NEW = "new", _("New")
    REVIEWED = "reviewed", _("Reviewed")
    ANSWERED = "answered", _("Answered")


class Theme(models.TextChoices):
    """What a message or a card's words are about, as a supervisor reads them (issue 17, item 6)."""

    RESPECT = "respect", _("Respect")
    WAIT_TIME = "wait_time", _("Wait time")
    FOLLOW_UP = "follow_up", _("Follow-up")
    REFERRALS = "referrals", _("Referrals and resources")
    SAFETY = "safety", _("Safety")
    LANGUAGE = "language", _("Language access")
    OTHER = "other", _("Other")


def _themes():
    """A list of Theme values (JSON, so the development database, SQLite, keeps it too)."""
    return models.JSONField(default=list, blank=True, editable=False)


def _publishable_by():
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )


class CommunityFeedback(models.Model):
    """A message from anyone, through the public form. The words and the contact are encrypted."""

    kind = models.CharField(max_length=20, choices=FeedbackKind.choices)
    message = EncryptedTextField(help_text=_("What the person wrote."))
    contact = EncryptedTextField(blank=True, help_text=_("How to reach them, if they want an answer."))
    language = models.CharField(max_length=10, blank=True)
    received_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=20, choices=FeedbackStatus.choices, default=FeedbackStatus.NEW)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = EncryptedTextField(blank=True, help_text=_("What the program answered, or did about it."))
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    themes = _themes()
    # A supervisor read the words and found nothing that identifies anyone: they may be published.
    publishable_at = models.DateTimeField(null=True, blank=True, editable=False)
    publishable_by = _publishable_by()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("community feedback")
        verbose_name_plural = _("community feedback")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.received_at:%Y-%m-%d}"


class OutreachKind(models.TextChoices):
    COMMUNITY = "community", _("Community outreach")
    CALL_CENTER_TRAINING = "call_center_training", _("Call-center training")


class OutreachEvent(models.Model):
    """An outreach event or a training session for call-takers: who was reached, and how many."""

    kind = models.CharField(max_length=30, choices=OutreachKind.choices)
    held_on = models.DateField(db_index=True)
    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=200, help_text=_("Who came: neighbours, shelter staff, 911 call-takers…"))
    organisations = models.CharField(max_length=300, blank=True, help_text=_("Organisations taking part, by name."))
    people_reached = models.PositiveIntegerField(validators=[MinValueValidator(0), MaxValueValidator(100000)])
    notes = models.TextField(blank=True)
    materials = models.URLField(blank=True, help_text=_("A link to the slides or handouts used."))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("outreach or training event")
        verbose_name_plural = _("outreach and training events")

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on})"


class Reply(models.TextChoices):
    """One answer on the feedback card; each question words the three its own way."""

    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class FeedbackCard(models.Model):
    """A one-time invitation to the person served to say how an encounter went.

    The tablet draws the token (a random value; the QR code and the short link carry it) and sends
    only its SHA-256 digest, so neither the database nor the sync log ever holds the token, and the
    token says nothing about the encounter. The answers sit on the card; no phone number is kept
    anywhere (a text message is sent and forgotten). The free text is encrypted.
    """

    id = models.UUIDField(primary_key=True, help_text=_("Chosen by the tablet that issued it."))
    encounter = models.ForeignKey(
        "incidents.Encounter", on_delete=models.PROTECT, related_name="feedback_cards", editable=False
    )
    team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    issued_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    texts_sent = models.PositiveSmallIntegerField(default=0, help_text=_("Text messages sent with the link."))
    answered_at = models.DateTimeField(null=True, blank=True, db_index=True)
    respect = models.CharField(_("treated with respect"), max_length=10, choices=Reply.choices, blank=True)
    needs_met = models.CharField(_("got what they needed"), max_length=10, choices=Reply.choices, blank=True)
    call_again = models.CharField(_("would call again"), max_length=10, choices=Reply.choices, blank=True)
    comment = EncryptedTextField(_("in their words"), blank=True)
    language = models.CharField(max_length=10, blank=True)
    themes = _themes()
    publishable_at = models.DateTimeField(null=True, blank=True, editable=False)
    publishable_by = _publishable_by()

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("feedback card")
        verbose_name_plural = _("feedback cards")

    def __str__(self) -> str:
        return f"{self.issued_at:%Y-%m-%d} {str(self.pk)[:8]}"
