"""Stream names and the channel-layer group each one rings."""

import hashlib

BOARD = "board"


def team_stream(team_id: int) -> str:
    return f"team:{team_id}"


def user_stream(user_id: int) -> str:
    return f"user:{user_id}"


def group_for(stream: str) -> str:
    # Channel-layer group names allow only ASCII letters, digits, hyphens, underscores and periods.
    return "stream." + stream.replace(":", ".")


def device_group(device_id) -> str:
    """Every socket opened on one tablet, so revoking it closes them all."""
    return f"socket.device.{device_id}"


def session_group(session_key: str) -> str:
    """Every socket of one session. The key is a credential, so only a digest of it is a group name."""
    return "socket.session." + hashlib.sha256(session_key.encode()).hexdigest()[:40]
