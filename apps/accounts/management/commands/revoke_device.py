"""Revoke a tablet from the command line, under the same rule as the API and the admin.

    python manage.py revoke_device DEVICE_UUID --by USERNAME --reason TEXT

The acting user is named, not assumed: the revocation is audited under that person, and the
service refuses anyone who is not a supervisor.
"""

import uuid

from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import Device, DeviceSession, User
from apps.accounts.services import device_revoke
from apps.audit.context import access_context
from apps.audit.models import Door
from apps.common.errors import ApplicationError


class Command(BaseCommand):
    help = "Revoke a tablet: its sessions end now and its app wipes local data at next contact."

    def add_arguments(self, parser):
        parser.add_argument("device", help="The tablet's id (a UUID, shown in the admin).")
        parser.add_argument("--by", required=True, dest="by", help="Username of the supervisor revoking it.")
        parser.add_argument("--reason", default="", help="Why, in a few words (kept in the audit log).")

    def handle(self, *args, device: str, by: str, reason: str, **options):
        try:
            device_id = uuid.UUID(device)
        except ValueError as error:
            raise CommandError(f"'{device}' is not a tablet id (expected a UUID).") from error
        actor = User.objects.filter(username=by).first()
        if actor is None or not actor.is_active:
            raise CommandError(f"No active user named '{by}'.")
        already = Device.objects.filter(pk=device_id, revoked_at__isnull=False).first()
        open_sessions = DeviceSession.objects.filter(device_id=device_id, ended_at__isnull=True).count()
        try:
            with access_context(door=Door.COMMAND):
                revoked = device_revoke(actor=actor, device_id=device_id, reason=reason)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        if already is not None:
            self.stdout.write(
                f"Tablet '{revoked.name}' ({revoked.pk}) was already revoked "
                f"at {revoked.revoked_at:%Y-%m-%d %H:%M:%S} UTC."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Revoked tablet '{revoked.name}' ({revoked.pk}) by {actor.username}; "
                f"{open_sessions} open session(s) ended."
            )
        )
