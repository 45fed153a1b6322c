"""Demo tablets: one registered tablet per demo team, with ids short enough to type on a tablet.

Called by `python manage.py load_demo` (once "field" is in apps.common.demo.EXTENSION_APPS).
The tablet of team CR-n has id 00000000-0000-4000-8000-00000000000n (CR-10 … 0000000010 etc.).
"""

import uuid

from django.db import transaction

from apps.accounts.models import Device
from apps.teams.models import Team


def demo_device_id(number: int) -> uuid.UUID:
    return uuid.UUID(f"00000000-0000-4000-8000-{number:012d}")


def load_demo_data(*, stdout) -> None:
    """Idempotent: a tablet that exists keeps its state (a revoked demo tablet stays revoked)."""
    created = 0
    with transaction.atomic():
        for team in Team.objects.filter(call_sign__regex=r"^CR-\d+$"):
            number = int(team.call_sign.split("-")[1])
            _device, made = Device.objects.get_or_create(
                pk=demo_device_id(number), defaults={"name": f"{team.call_sign} tablet", "team": team}
            )
            created += made
    stdout.write(
        f"Field: {created} demo tablet(s) registered; team CR-n signs in with tablet id {demo_device_id(1)} "
        "with its last digits set to n.\n"
    )
