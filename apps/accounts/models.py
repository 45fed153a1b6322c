"""People who sign in, their role, and the tablets registered to the program."""

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import ADMIN_ENTRY_ROLES, Role
from apps.common.language import language_choices


class User(AbstractUser):
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.RESPONDER)
    partner_organization = models.ForeignKey(
        "resources.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner_users",
        help_text=_("The partner organization a partner user works for."),
    )
    phone = models.CharField(max_length=40, blank=True)
    # Blank: no choice of their own, so the device's language (cookie) or the browser's is used.
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=language_choices,
        help_text=_("The language of every screen for this person. Blank: the device's or browser's language."),
    )

    class Meta:
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="partner") | models.Q(partner_organization__isnull=False),
                name="partner_user_has_organization",
            ),
        ]

    def save(self, *args, **kwargs):
        # Staff status follows the role: supervisors, administrators and finance staff (the last to the
        # funding pages only) enter the admin. The site asks the role, never this flag (config/admin.py).
        self.is_staff = self.role in ADMIN_ENTRY_ROLES or self.is_superuser
        super().save(*args, **kwargs)

    @property
    def team_id_current(self) -> int | None:
        # At most one active membership (one_active_team_per_user): no order to ask for.
        return self.memberships.filter(active=True).order_by().values_list("team_id", flat=True).first()

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username


class Device(models.Model):
    """A tablet registered to the program. Revoking it ends its sessions at once.

    A tablet proves itself with a secret key it received by exchanging a one-time enrollment code;
    only SHA-256 digests of the code and the key are stored, so a copy of the database signs in
    no tablet.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100, help_text=_("What is written on the tablet, e.g. 'Unit 3 tablet A'."))
    team = models.ForeignKey("teams.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="devices")
    registered_at = models.DateTimeField(auto_now_add=True)
    registered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="devices_registered"
    )
    last_seen_at = models.DateTimeField(null=True, blank=True)
    last_user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_reason = models.CharField(max_length=200, blank=True)
    enrollment_code_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    enrollment_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    enrolled_at = models.DateTimeField(null=True, blank=True, editable=False)
    key_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def __str__(self) -> str:
        return self.name


class DeviceSession(models.Model):
    """Which session keys a device has opened, so revocation can end every one of them."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="sessions")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="device_sessions")
    session_key = models.CharField(max_length=64, db_index=True)
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.device} session of {self.user}"
