from django.db.models import QuerySet

from apps.streams.models import Event, StreamCounter


def events_after(*, stream: str, seq: int, limit: int = 500) -> QuerySet[Event]:
    return Event.objects.filter(stream=stream, seq__gt=seq).order_by("seq")[:limit]


def stream_head(*, stream: str) -> int:
    return StreamCounter.objects.filter(stream=stream).values_list("last_seq", flat=True).first() or 0
