"""Demo tablets: one registered tablet per demo team, each with a known enrollment code.

Called by `python manage.py load_demo` (apps/demo/loader.py).
Team CR-n's tablet has id 00000000-0000-4000-8000-00000000000n and the enrollment code
DEMO-TEAM-000n (CR-12: DEMO-TEAM-0012). Every run renews the codes, so a newcomer can enroll a
browser as a demo tablet with the code printed by `scripts/firstline.py run`; a tablet enrolled
earlier keeps its key until the code is used again. Real tablets get random codes from registration.
"""

import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from apps.accounts import conf
from apps.accounts.models import Device
from apps.accounts.services import enrollment_code_normalize, secret_digest
from apps.teams.models import Team


def demo_device_id(number: int) -> uuid.UUID:
    return uuid.UUID(f"00000000-0000-4000-8000-{number:012d}")


def demo_enrollment_code(number: int) -> str:
    return f"DEMO-TEAM-{number:04d}"


def load_demo_data(*, stdout) -> None:
    """Idempotent: a tablet that exists keeps its state (a revoked demo tablet stays revoked)."""
    created = 0
    expires = timezone.now() + timedelta(hours=conf.enrollment_hours())
    with transaction.atomic():
        for team in Team.objects.filter(call_sign__regex=r"^CR-\d+$"):
            number = int(team.call_sign.split("-")[1])
            device, made = Device.objects.get_or_create(
                pk=demo_device_id(number), defaults={"name": f"{team.call_sign} tablet", "team": team}
            )
            created += made
            if device.is_revoked:
                continue
            device.enrollment_code_digest = secret_digest(enrollment_code_normalize(demo_enrollment_code(number)))
            device.enrollment_expires_at = expires
            device.save(update_fields=["enrollment_code_digest", "enrollment_expires_at"])
    stdout.write(
        f"Field: {created} demo tablet(s) registered; enroll a browser as team CR-n's tablet with the code "
        f"{demo_enrollment_code(1)} (its last digits set to n), renewed on every load_demo.\n"
    )
