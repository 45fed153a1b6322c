"""The streams app's answers to accounts' hooks (apps/accounts/hooks.py), connected in StreamsConfig.ready."""

from django.db import transaction

from apps.streams.names import user_stream
from apps.streams.services import sockets_close, stream_append

CLOSE_SIGNED_OUT = 4401  # the session ended: sign in again (docs/streams.md)
CLOSE_DEVICE_REVOKED = 4410  # the tablet was revoked (docs/streams.md)


def on_device_revoked(sender, *, device_id, user_ids, session_keys, **kwargs) -> None:
    """Tell each person's tablet in the revocation's transaction; close the feeds once it commits."""
    for user_id in user_ids:
        stream_append(stream=user_stream(user_id), kind="device.revoked", data={"device": str(device_id)})
    transaction.on_commit(
        lambda: sockets_close(device_ids=[device_id], session_keys=session_keys, code=CLOSE_DEVICE_REVOKED)
    )


def on_session_ended(sender, *, session_key, **kwargs) -> None:
    """A live feed must not outlive the session it was opened with."""
    transaction.on_commit(lambda: sockets_close(session_keys=[session_key], code=CLOSE_SIGNED_OUT))
