"""An independent websocket client (the `websockets` package) that follows streams and resumes."""

import asyncio
import collections
import json
import random
import threading
import time

from websockets.asyncio.client import connect


class StreamFollower:
    """Follow streams on a real server in a background thread; reconnect at random if asked.

    Records every event it receives, in order, and resumes from the last seq it saw, as a tablet
    does. `received[stream]` is the list of seqs as they arrived (duplicates would show).
    """

    def __init__(self, url: str, cookie: str, cursors: dict[str, int], *, origin: str, chaos: float = 0.0, seed=1):
        self.url = url
        self.cookie = cookie
        self.cursors = dict(cursors)
        self.origin = origin
        self.chaos = chaos  # chance, per event, of dropping the connection right after it
        self.random = random.Random(seed)
        self.received: dict[str, list[int]] = {s: [] for s in cursors}
        self.kinds: list[tuple[str, int, str]] = []
        self.reconnects = 0
        self.closes: list[int | None] = []
        # The last steps of each connection (time, what), to say why a wait failed.
        self.history: collections.deque = collections.deque(maxlen=40)
        self.began = time.monotonic()
        self.stop = threading.Event()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)

    def start(self) -> "StreamFollower":
        self.thread.start()
        assert self.ready.wait(20), "the client never connected"
        return self

    def finish(self) -> None:
        self.stop.set()
        self.thread.join(20)

    def wait_for(self, stream: str, seq: int, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.cursors.get(stream, 0) >= seq:
                return True
            time.sleep(0.05)
        return False

    def story(self) -> str:
        """What the last connections did, for an assertion's message."""
        return "; ".join(f"{at:.1f}s {what}" for at, what in self.history)

    def _note(self, what: str) -> None:
        self.history.append((time.monotonic() - self.began, what))

    async def _run(self) -> None:
        while not self.stop.is_set():
            try:
                self._note(f"connect at {self.cursors}")
                async with connect(
                    self.url,
                    origin=self.origin,
                    additional_headers={"Cookie": f"sessionid={self.cookie}"},
                    open_timeout=5,
                    ping_interval=None,
                ) as socket:
                    await socket.send(json.dumps({"type": "hello", "cursors": self.cursors}))
                    dropped = await self._follow(socket)
                    if dropped:
                        self.reconnects += 1
                        self._note(f"dropped at {self.cursors}")
            except Exception as error:  # server or Redis down: back off and retry, as a tablet does
                self.closes.append(getattr(getattr(error, "rcvd", None), "code", None))
                self._note(f"{type(error).__name__}: {error}"[:200])
                await asyncio.sleep(0.2 + self.random.random() * 0.3)

    async def _follow(self, socket) -> bool:
        while not self.stop.is_set():
            try:
                raw = await asyncio.wait_for(socket.recv(), timeout=0.2)
            except TimeoutError:
                continue
            message = json.loads(raw)
            if message["type"] == "welcome":
                self._note(f"welcome {message.get('streams')}")
                self.ready.set()
            elif message["type"] == "event":
                stream = message["stream"]
                self.received[stream].append(message["seq"])
                self.kinds.append((stream, message["seq"], message["kind"]))
                self.cursors[stream] = message["seq"]
                if self.chaos and self.random.random() < self.chaos:
                    await socket.close()
                    return True
            elif message["type"] == "resync":
                self._note(f"resync {message}")
                self.cursors[message["stream"]] = message["seq"]
            else:
                self._note(f"other {message}"[:200])
        return False
