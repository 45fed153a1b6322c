"""What other apps attach to the live backbone, so the backbone never imports them.

`stream_acknowledged` is sent by `stream_ack` inside the acknowledgement's transaction, after the
user's cursor moved: keyword arguments `user`, `stream`, `after` (the seq acknowledged before) and
`seq`. A receiver that writes rows writes them in that transaction. The incidents app listens to
turn a team member's ack of `assignment.created` into a delivery receipt (apps/incidents/receipts.py).
"""

from django.dispatch import Signal

stream_acknowledged = Signal()
