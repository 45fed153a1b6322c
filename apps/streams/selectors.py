"""Reads of the event log for the consumer and the snapshot APIs."""

from django.db.models import QuerySet

from apps.accounts.roles import can_dispatch, is_responder
from apps.accounts.selectors import user_team_id
from apps.streams.models import Event, StreamCounter


def events_after(*, stream: str, seq: int, limit: int = 500) -> QuerySet[Event]:
    return Event.objects.filter(stream=stream, seq__gt=seq).order_by("seq")[:limit]


def event_messages_after(*, stream: str, seq: int, limit: int) -> list[dict]:
    """The log after `seq` as the frames a consumer sends: read by a consumer, or once by the poller
    for every local consumer behind."""
    return [event.as_message() for event in events_after(stream=stream, seq=seq, limit=limit)]


def stream_head(*, stream: str) -> int:
    return StreamCounter.objects.filter(stream=stream).values_list("last_seq", flat=True).first() or 0


def stream_heads(*, streams: list[str]) -> dict[str, int]:
    heads = dict(StreamCounter.objects.filter(stream__in=streams).values_list("stream", "last_seq"))
    return {stream: heads.get(stream, 0) for stream in streams}


def stream_may_read(user, stream: str) -> bool:
    """Who may follow which stream: the board is for dispatch, a team stream for its members and
    dispatch, a user stream for that user alone."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if stream == "board":
        return can_dispatch(user)
    kind, _, ident = stream.partition(":")
    if not ident.isdigit() or str(int(ident)) != ident:
        return False
    if kind == "team":
        return can_dispatch(user) or (is_responder(user) and user_team_id(user) == int(ident))
    if kind == "user":
        return user.pk == int(ident)
    return False


def streams_default_for(user) -> list[str]:
    """What a client that names no streams follows: its own user stream, its team's, and the board."""
    streams = [f"user:{user.pk}"]
    team_id = user_team_id(user)
    if team_id is not None:
        streams.append(f"team:{team_id}")
    if can_dispatch(user):
        streams.append("board")
    return streams


def stream_positions(*, cursors: dict[str, int]) -> dict[str, dict]:
    """For each stream: its head, and whether the events right after the cursor are still kept.

    The log has no holes except what retention pruned, so the client is behind retention exactly
    when the next event it needs is gone while the head is past its cursor.
    """
    heads = stream_heads(streams=list(cursors))
    result = {}
    for stream, cursor in cursors.items():
        head = heads[stream]
        if cursor >= head:
            result[stream] = {"head": head, "gap": cursor > head}
            continue
        has_next = Event.objects.filter(stream=stream, seq=cursor + 1).exists()
        result[stream] = {"head": head, "gap": not has_next}
    return result


def event_log_after(*, after_id: int, limit: int) -> list[tuple[int, str, dict]]:
    """(id, kind, data) of every stream's events with an id above `after_id`, in id order: how a
    reader that follows the whole log (apps.insights' rollups) keeps its place by one number."""
    rows = Event.objects.filter(pk__gt=after_id).order_by("pk").values_list("pk", "kind", "data")
    return list(rows[:limit])


def event_log_ids(*, ids) -> list[tuple[int, str, dict]]:
    """(id, kind, data) of the events with these ids that exist (now)."""
    return list(Event.objects.filter(pk__in=list(ids)).order_by("pk").values_list("pk", "kind", "data"))


def event_log_head() -> int:
    """The highest event id written so far (0 for an empty log)."""
    return Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
