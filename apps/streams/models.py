"""The event log: the truth behind the live board and the tablets.

Every stream (`board`, `team:<id>`, `user:<id>`) has contiguous sequence numbers handed out from
its counter row under a lock, so a client that knows its last `seq` can always ask for the rest.
"""

from django.db import models


class StreamCounter(models.Model):
    stream = models.CharField(max_length=64, primary_key=True)
    last_seq = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.stream} @ {self.last_seq}"


class Event(models.Model):
    stream = models.CharField(max_length=64)
    seq = models.BigIntegerField()
    kind = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["stream", "seq"]
        constraints = [models.UniqueConstraint(fields=["stream", "seq"], name="event_stream_seq_unique")]

    def as_message(self) -> dict:
        return {
            "type": "event",
            "stream": self.stream,
            "seq": self.seq,
            "kind": self.kind,
            "at": self.created_at.isoformat().replace("+00:00", "Z"),
            "data": self.data,
        }

    def __str__(self) -> str:
        return f"{self.stream}#{self.seq} {self.kind}"


class StreamCursor(models.Model):
    """The last seq a user acknowledged on a stream: what their client had safely received."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    stream = models.CharField(max_length=64)
    seq = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "stream"], name="stream_cursor_user_stream_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.stream} @ {self.seq}"
