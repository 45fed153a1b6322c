"""Text messages, through a backend the program chooses (FIRSTLINE_SMS_BACKEND, a dotted path).

The default writes each message to a file under FIRSTLINE_SMS_FILE_PATH (var/sms), like Django's
file mail backend, so a program without a provider, and every test, can read what would have been
sent. A provider's backend is a class with `send(*, to: str, body: str) -> None` that raises
`SmsNotSent` when the provider refuses. The number is used to send and never kept by Firstline:
the file backend writes only its last two digits.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

DEFAULT_BACKEND = "apps.common.sms.FileBackend"


class SmsNotSent(Exception):
    """The backend could not hand the message over."""


def masked(number: str) -> str:
    digits = "".join(c for c in number if c.isdigit())
    return "•" * max(len(digits) - 2, 0) + digits[-2:]


class FileBackend:
    """One file per message: when, the masked number, and the text."""

    def __init__(self) -> None:
        default = Path(getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var")) / "sms"
        self.folder = Path(getattr(settings, "FIRSTLINE_SMS_FILE_PATH", default))

    def send(self, *, to: str, body: str) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            name = f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.txt"
            (self.folder / name).write_text(f"To: {masked(to)}\n\n{body}\n", encoding="utf-8")
        except OSError as error:
            raise SmsNotSent(str(error)) from error


def send_sms(*, to: str, body: str) -> None:
    """Send one message through the configured backend; raises SmsNotSent when it cannot."""
    backend = import_string(getattr(settings, "FIRSTLINE_SMS_BACKEND", DEFAULT_BACKEND))()
    backend.send(to=to, body=body)
