"""Call centers as API clients (each acting through its own service user) and their keys, and the
channels a call arrives by.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CenterKind(models.TextChoices):
    NINE_ONE_ONE = "911", "911"
    NINE_EIGHT_EIGHT = "988", _("988 crisis line")
    TWO_ONE_ONE = "211", "211"
    THREE_ONE_ONE = "311", "311"
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    SCREEN = "screen", _("Screening page")
    EIDO = "eido", _("NENA EIDO")
    OPEN311 = "open311", _("Open311")


class CallCenter(models.Model):
    """A 911, 988, 211 or 311 center that sends calls. Its service user is who acts for its API keys."""

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=10, choices=CenterKind.choices, default=CenterKind.NINE_ONE_ONE)
    contact = models.CharField(max_length=200, blank=True, help_text=_("Who to call about the integration."))
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
    prefix = models.CharField(max_length=16, unique=True, help_text=_("Public part of the key, used to find it."))
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
        verbose_name = _("API key")

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def __str__(self) -> str:
        return f"{self.prefix}… ({'revoked' if self.is_revoked else 'active'})"
