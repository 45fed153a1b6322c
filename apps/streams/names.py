"""Stream names and the channel-layer group each one rings."""

BOARD = "board"


def team_stream(team_id: int) -> str:
    return f"team:{team_id}"


def user_stream(user_id: int) -> str:
    return f"user:{user_id}"


def group_for(stream: str) -> str:
    # Channel-layer group names allow only ASCII letters, digits, hyphens, underscores and periods.
    return "stream." + stream.replace(":", ".")
