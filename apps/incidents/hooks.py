"""What other apps attach to incidents, so incidents never imports them.

`encounter_recorded` is sent once the transaction that recorded encounter versions has committed,
with `encounter_version_ids` (one id, or every version a tablet's batch recorded). Receivers run
after the caller's work is safe: one that fails is logged and never undoes or fails the recording.
The follow-ups app listens to apply the program's rules at once (apps/followups/apps.py); its sweep
catches anything a failed receiver missed.
"""

import logging

from django.db import transaction
from django.dispatch import Signal

from apps.common.batching import RowBuffer

logger = logging.getLogger(__name__)

encounter_recorded = Signal()


def _send(encounter_version_ids: list) -> None:
    for receiver, outcome in encounter_recorded.send_robust(
        sender=encounter_recorded_announce, encounter_version_ids=encounter_version_ids
    ):
        if isinstance(outcome, Exception):
            logger.error("%r failed on encounter versions %s", receiver, encounter_version_ids, exc_info=outcome)


# In a batch (the tablet's sync) the versions are announced together, once, after the batch commits;
# a version undone with its mutation's savepoint is dropped with it. Versions are held, not their ids:
# the batch may write a version in bulk after announcing it, and it has an id only once written.
_held = RowBuffer("encounter_recorded", lambda versions: transaction.on_commit(lambda: _send([v.pk for v in versions])))


def encounter_recorded_announce(*, version) -> None:
    """Call inside the recording's transaction: the hook is sent after it commits."""
    if not _held.add(version):
        transaction.on_commit(lambda: _send([version.pk]))


def encounter_recorded_batch():
    """Announce the versions recorded in this block in one hook, after the transaction commits."""
    return _held.batch()
