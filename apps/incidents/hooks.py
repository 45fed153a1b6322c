"""What other apps attach to incidents, so incidents never imports them.

`encounter_recorded` is sent once the transaction that recorded an encounter version has committed,
with `encounter_version_id`. Receivers run after the caller's work is safe: one that fails is
logged and never undoes or fails the recording. The follow-ups app listens to apply the program's
rules at once (apps/followups/apps.py); its sweep catches anything a failed receiver missed.
"""

import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

encounter_recorded = Signal()


def encounter_recorded_announce(*, encounter_version_id) -> None:
    """Call inside the recording's transaction: the hook is sent after it commits."""

    def send() -> None:
        for receiver, outcome in encounter_recorded.send_robust(
            sender=encounter_recorded_announce, encounter_version_id=encounter_version_id
        ):
            if isinstance(outcome, Exception):
                logger.error("%r failed on encounter version %s", receiver, encounter_version_id, exc_info=outcome)

    transaction.on_commit(send)
