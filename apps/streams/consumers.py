"""The websocket door of the live stream (/ws/v1/stream/); see docs/streams.md for the protocol.

It authenticates by session, lets a user follow only the streams they may read, replays the log
from each cursor, then forwards events as doorbells ring. It never sends a seq twice or out of
order on one connection: every send goes through `_deliver`, which only sends `last sent + 1`, and
any gap is filled by reading the log. It writes nothing but acknowledgements (via a service).
"""

import asyncio
import contextlib
import json
import logging
import time
from importlib import import_module

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth import get_user_model

from apps.accounts.selectors import devices_revoked, idle_limit_seconds, session_device_id, session_last_active
from apps.accounts.services import device_touch
from apps.common import metrics
from apps.common.live import LiveDispatch, live_read
from apps.streams import conf, hub
from apps.streams.names import device_group, group_for, session_group
from apps.streams.selectors import (
    event_messages_after,
    stream_head,
    stream_may_read,
    stream_positions,
    streams_default_for,
)
from apps.streams.services import stream_ack, streams_follow

TOUCH_EVERY_SECONDS = 60
logger = logging.getLogger(__name__)

# Close codes (documented in docs/streams.md).
CLOSE_PROTOCOL = 4400  # malformed frame, unknown type, a second hello, bad cursor
CLOSE_UNAUTHENTICATED = 4401  # no signed-in session
CLOSE_FORBIDDEN = 4403  # a stream this user may not read
CLOSE_HELLO_TIMEOUT = 4408  # no hello in time
CLOSE_DEVICE_REVOKED = 4410  # the tablet was revoked; sign in again on a registered tablet
CLOSE_IDLE = 4411  # the session was idle past the role's limit; sign in again
CLOSE_TOO_LARGE = 4413  # a frame over the size limit
CLOSE_RATE_LIMITED = 4429  # too many messages


class StreamConsumer(LiveDispatch, AsyncWebsocketConsumer):
    async def connect(self):
        self.user = self.scope.get("user")
        self.sent: dict[str, int] = {}
        self.acked: dict[str, int] = {}
        self.dirty: set[str] = set()
        self.wake = asyncio.Event()
        self.send_lock = asyncio.Lock()
        self.closing = False
        self.helloed = False
        self.tasks: list[asyncio.Task] = []
        self.groups_joined: list[str] = []
        self.tokens = float(conf.rate_burst())
        self.tokens_at = time.monotonic()
        self.touched_at = 0.0
        self.max_frame = conf.max_frame_bytes()
        self.device_id = None
        self.idle_at = None
        await self.accept()
        if self.user is None or not self.user.is_authenticated or not self.user.is_active:
            await self._close(CLOSE_UNAUTHENTICATED)
            return
        self.counted = True
        metrics.websockets_connected.inc()
        # Join the groups that revocation and sign-out ring before anything else, so none is missed.
        session = self.scope.get("session")
        key = getattr(session, "session_key", None)
        self.device_id, last_active, limit = await live_read(
            lambda: (session_device_id(session), session_last_active(session), idle_limit_seconds(self.user))
        )()
        self.idle_limit = limit
        self.idle_at = (last_active or time.time()) + limit
        ends = ([session_group(key)] if key else []) + ([device_group(self.device_id)] if self.device_id else [])
        for group in ends:
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)
        if self.device_id:
            if await live_read(devices_revoked)(device_ids=[self.device_id]):
                await self._close(CLOSE_DEVICE_REVOKED)
                return
            hub.register_device(self, self.device_id)
        self.tasks.append(asyncio.create_task(self._keepalive()))

    async def socket_close(self, message):
        """Revocation or sign-out (through the channel layer): close now, not at the next recheck."""
        code = message.get("code")
        await self._close(code if isinstance(code, int) else CLOSE_UNAUTHENTICATED)

    def device_revoked(self) -> None:
        """The poller saw this socket's tablet revoked (a revocation from a process the layer misses)."""
        if not self.closing:
            self.tasks.append(asyncio.ensure_future(self._close(CLOSE_DEVICE_REVOKED)))

    async def disconnect(self, code):
        self.closing = True
        if getattr(self, "counted", False):
            self.counted = False
            metrics.websockets_connected.dec()
        hub.unregister(self)
        for task in self.tasks:
            task.cancel()
        for group in self.groups_joined:
            with contextlib.suppress(Exception):
                await self.channel_layer.group_discard(group, self.channel_name)

    # --- incoming ---------------------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if self.closing:
            return
        raw = text_data if text_data is not None else bytes_data
        size = len(raw.encode() if isinstance(raw, str) else raw or b"")
        if size > self.max_frame:
            await self._close(CLOSE_TOO_LARGE)
            return
        if not self._take_token():
            await self._close(CLOSE_RATE_LIMITED)
            return
        try:
            message = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError):  # nested too deeply is malformed too
            await self._close(CLOSE_PROTOCOL)
            return
        kind = message.get("type") if isinstance(message, dict) else None
        await self._heard_from_device()
        if kind == "hello" and not self.helloed:
            await self._hello(message)
        elif kind == "ack" and self.helloed:
            await self._ack(message)
        elif kind == "ping":
            await self._send_json({"type": "pong"})
        elif kind == "pong":
            return
        else:
            await self._close(CLOSE_PROTOCOL)

    async def _heard_from_device(self):
        """A tablet's live feed is contact too: the board shows its age (at most one write a minute)."""
        if self.device_id and time.monotonic() - self.touched_at >= TOUCH_EVERY_SECONDS:
            self.touched_at = time.monotonic()
            await live_read(device_touch)(device_id=self.device_id)

    def _take_token(self) -> bool:
        now = time.monotonic()
        self.tokens = min(float(conf.rate_burst()), self.tokens + (now - self.tokens_at) * conf.rate_per_second())
        self.tokens_at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    async def _hello(self, message):
        cursors = message.get("cursors")
        if cursors is None:
            cursors = {}
        device = message.get("device")
        if device is not None and str(device) != str(self.device_id):
            await self._close(CLOSE_FORBIDDEN)  # a session follows only as the tablet it was opened on
            return
        if not isinstance(cursors, dict) or len(cursors) > conf.max_streams():
            await self._close(CLOSE_PROTOCOL)
            return
        if not cursors:
            cursors = dict.fromkeys(await live_read(streams_default_for)(self.user))
        for stream, cursor in cursors.items():
            bad_cursor = cursor is not None and (isinstance(cursor, bool) or not isinstance(cursor, int) or cursor < 0)
            # A stream name is short text without NUL; anything else is a malformed frame, refused
            # before it reaches the audit row (PostgreSQL cannot store NUL).
            bad_name = not isinstance(stream, str) or len(stream) > 200 or "\x00" in stream
            if bad_name or bad_cursor:
                await self._close(CLOSE_PROTOCOL)
                return
        client = self.scope.get("client") or [None]
        allowed = await live_read(streams_follow)(user=self.user, streams=list(cursors), ip=client[0])
        if not allowed:
            await self._close(CLOSE_FORBIDDEN)
            return
        self.helloed = True
        # Join the groups first so nothing committed from here on can ring unheard; the replay
        # below reads everything committed before, and `_deliver` drops what was already sent.
        for stream in cursors:
            group = group_for(stream)
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)
        positions = await live_read(stream_positions)(
            cursors={s: (c if c is not None else 0) for s, c in cursors.items()}
        )
        resyncs = []
        for stream, cursor in cursors.items():
            head, gap = positions[stream]["head"], positions[stream]["gap"]
            if cursor is None:
                self.sent[stream] = head  # no cursor: live events only, from the current head
            elif gap:
                self.sent[stream] = head
                resyncs.append({"type": "resync", "stream": stream, "seq": head})
            else:
                self.sent[stream] = cursor
            self.acked[stream] = self.sent[stream]
        hub.register(self, list(cursors))
        await self._send_json({"type": "welcome", "streams": {s: positions[s]["head"] for s in cursors}})
        for resync in resyncs:
            await self._send_json(resync)
        self.dirty.update(cursors)
        self.tasks.append(asyncio.create_task(self._pump()))
        self.wake.set()

    async def _ack(self, message):
        stream, seq = message.get("stream"), message.get("seq")
        if stream not in self.sent or isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
            await self._close(CLOSE_PROTOCOL)
            return
        seq = min(seq, self.sent[stream])  # never record more than was sent
        previous = self.acked.get(stream, 0)
        if seq <= previous:
            return
        self.acked[stream] = seq
        try:
            await live_read(stream_ack)(user=self.user, stream=stream, seq=seq, after=previous)
        except Exception:
            logger.warning("could not record ack %s#%s for user %s", stream, seq, self.user.pk, exc_info=True)

    # --- outgoing ---------------------------------------------------------------------------------

    async def stream_doorbell(self, message):
        """A service committed `seq` on a stream we follow (through the channel layer)."""
        stream, seq = message.get("stream"), message.get("seq", 0)
        if stream not in self.sent or seq <= self.sent[stream]:
            return
        event = message.get("event")
        if event is not None and seq == self.sent[stream] + 1 and stream not in self.dirty:
            await self._deliver(stream, [event])
        else:
            self._mark_dirty(stream)

    def behind(self, stream: str, head: int) -> bool:
        return stream in self.sent and head > self.sent[stream]

    def offer(self, stream: str, messages: list[dict]) -> None:
        """Events the poller read once for every consumer behind on `stream` (the embedded mode):
        sent from where this connection is, through `_deliver`; a gap falls back to reading the log."""
        if self.closing or stream not in self.sent:
            return
        if stream in self.dirty or not messages or messages[0]["seq"] > self.sent[stream] + 1:
            self._mark_dirty(stream)
            return
        task = asyncio.get_running_loop().create_task(self._deliver(stream, messages))
        self.tasks.append(task)
        task.add_done_callback(lambda done: self.tasks.remove(done) if done in self.tasks else None)

    def poke(self, stream: str, head: int) -> None:
        """The poller saw `stream` at `head` (an event from another process, or a lost doorbell)."""
        if stream in self.sent and head > self.sent[stream]:
            self._mark_dirty(stream)

    def _mark_dirty(self, stream: str) -> None:
        self.dirty.add(stream)
        self.wake.set()

    async def _pump(self):
        """Read the log after what was sent and send it, for every stream marked behind."""
        batch = conf.replay_batch()
        while not self.closing:
            await self.wake.wait()
            self.wake.clear()
            while self.dirty and not self.closing:
                stream = self.dirty.pop()
                while not self.closing:
                    after = self.sent[stream]
                    messages = await live_read(self._read)(stream, after, batch)
                    if not messages:
                        break
                    if messages[0]["seq"] != after + 1:
                        await self._resync(stream)
                        break
                    await self._deliver(stream, messages)
                    if len(messages) < batch:
                        break

    @staticmethod
    def _read(stream: str, after: int, limit: int) -> list[dict]:
        return event_messages_after(stream=stream, seq=after, limit=limit)

    async def _resync(self, stream: str):
        """Events we still owe were pruned while connected: tell the client to refetch by REST."""
        head = await live_read(stream_head)(stream=stream)
        async with self.send_lock:
            if head > self.sent[stream]:
                self.sent[stream] = head
                await self._send_json({"type": "resync", "stream": stream, "seq": head})

    async def _deliver(self, stream: str, messages: list[dict]):
        async with self.send_lock:
            for message in messages:
                if self.closing:
                    return
                current = self.sent[stream]
                if message["seq"] <= current:
                    continue
                if message["seq"] != current + 1:
                    self._mark_dirty(stream)
                    return
                self.sent[stream] = message["seq"]
                await self.send(text_data=json.dumps(message))
                metrics.events_delivered.labels(metrics.stream_family(stream)).inc()
                if message["kind"] == "device.revoked" and stream.startswith("user:"):
                    await self._close(CLOSE_DEVICE_REVOKED)
                    return

    def _still_allowed(self) -> int | None:
        """None if the session still stands and every stream is still readable, else a close code.

        Signing out, a revoked tablet or an ended session deletes the session; leaving a team
        takes away its stream. An open socket must not outlive either for long.
        """
        session = self.scope.get("session")
        key = getattr(session, "session_key", None)
        if key is None or not session.exists(key):
            return CLOSE_UNAUTHENTICATED
        user = get_user_model().objects.filter(pk=self.user.pk, is_active=True).first()
        if user is None:
            return CLOSE_UNAUTHENTICATED
        if not all(stream_may_read(user, stream) for stream in self.sent):
            return CLOSE_FORBIDDEN
        return None

    def _last_active(self) -> float | None:
        key = getattr(self.scope.get("session"), "session_key", None)
        if key is None:
            return None
        return session_last_active(import_module(settings.SESSION_ENGINE).SessionStore(session_key=key))

    async def _keepalive(self):
        """Ping every so often; refuse a silent connection; rejoin groups a restarted Redis forgot;
        now and then make sure the session and the right to each stream still stand."""
        started = time.monotonic()
        timeout = conf.hello_timeout_seconds()
        interval = conf.ping_seconds()
        recheck_every = conf.recheck_seconds()
        next_ping = started + interval
        next_recheck = started + recheck_every
        while not self.closing:
            now = time.monotonic()
            if not self.helloed and now - started >= timeout:
                await self._close(CLOSE_HELLO_TIMEOUT)
                return
            idle_in = self.idle_at - time.time()
            wake_at = min(next_ping, next_recheck, now + idle_in, started + timeout if not self.helloed else next_ping)
            await asyncio.sleep(max(wake_at - now, 0.01))
            if self.closing:
                return
            if self.idle_at <= time.time():
                # The session's last activity (a request through any door) may be newer than we knew.
                last_active = await live_read(self._last_active)()
                self.idle_at = (last_active or 0) + self.idle_limit
                if self.idle_at <= time.time():
                    await self._close(CLOSE_IDLE)
                    return
            now = time.monotonic()
            if now >= next_recheck:
                next_recheck = now + recheck_every
                if self.helloed:
                    code = await live_read(self._still_allowed)()
                    if code is not None:
                        await self._close(code)
                        return
            if now >= next_ping:
                next_ping = now + interval
                if self.helloed:
                    await self._send_json({"type": "ping"})
                    for group in self.groups_joined:
                        with contextlib.suppress(Exception):
                            await self.channel_layer.group_add(group, self.channel_name)

    async def _send_json(self, message: dict):
        if self.closing:
            return
        async with self.send_lock:
            await self.send(text_data=json.dumps(message))

    async def _close(self, code: int):
        if self.closing:
            return
        self.closing = True
        hub.unregister(self)
        await self.close(code=code)
