"""Settings of tablets and sign-in, read with defaults so the shared settings file need not change."""

import os

from django.conf import settings


def _int(name: str, default: int) -> int:
    if hasattr(settings, name):
        return int(getattr(settings, name))
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def enrollment_hours() -> int:
    """How long a tablet's one-time enrollment code stays valid."""
    return _int("FIRSTLINE_DEVICE_ENROLLMENT_HOURS", 72)


def offline_wipe_days() -> int:
    """After this many days without reaching the server, a tablet erases its working set."""
    return _int("FIRSTLINE_TABLET_OFFLINE_WIPE_DAYS", 7)
