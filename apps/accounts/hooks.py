"""What other apps attach to accounts, so accounts never imports them.

- `device_revoked(device_id, user_ids, session_keys)`: sent inside the revocation's transaction,
  after the tablet's sessions ended. The streams app tells each person's tablet (`device.revoked`
  on their user stream) and, after commit, closes every live feed of the tablet and its sessions.
- `session_ended(session_key)`: sent when a person signs out. The streams app closes, after
  commit, the live feeds opened with that session (4401: sign in again).
"""

from django.dispatch import Signal

device_revoked = Signal()
session_ended = Signal()
