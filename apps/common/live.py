"""Where the live path's database work runs: threads of its own, not the thread of the process's requests.

Under ASGI, Django gives each request a thread of its own, but channels' `database_sync_to_async`
runs outside any request's context, so every websocket's database step of a process queues on one
shared thread (asgiref's thread-sensitive executor), one at a time. A websocket's handshake (its
session and user) and a follower's next events would then wait behind every other socket's: in
the reconnect storm (bench/reconnect_storm.py) a board sharing its process with a hundred syncing
tablets got its events seconds late, and tablets' handshakes timed out. The live path's work runs
here instead, on a small pool of threads (FIRSTLINE_LIVE_THREADS, 4), each with its own database
connection (from the pool when FIRSTLINE_DB_POOL_SIZE is set). FIRSTLINE_LIVE_OWN_THREADS=False puts
it back on the shared thread.
"""

import functools
from concurrent.futures import ThreadPoolExecutor

from channels.consumer import get_handler_name
from channels.db import DatabaseSyncToAsync, database_sync_to_async
from django.conf import settings

_executor: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        threads = max(1, int(getattr(settings, "FIRSTLINE_LIVE_THREADS", 4)))
        _executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="firstline-live")
    return _executor


def live_read(func):
    """`func` as a coroutine run on the live threads, with Django's connection housekeeping around it
    (as `database_sync_to_async` does). Decided at each call, so the setting can change in a test."""

    @functools.wraps(func)
    async def run(*args, **kwargs):
        if getattr(settings, "FIRSTLINE_LIVE_OWN_THREADS", True):
            return await DatabaseSyncToAsync(func, thread_sensitive=False, executor=_pool())(*args, **kwargs)
        return await database_sync_to_async(func)(*args, **kwargs)

    run.func = func
    return run


class LiveDispatch:
    """For a consumer that does its database work only through `live_read`: dispatches each message
    as channels does, without channels' `aclose_old_connections()` before it, which waits for the
    process's shared thread (behind every other socket's database step: seconds in a storm of
    returning tablets). `live_read` tidies its own threads' connections around each call."""

    async def dispatch(self, message):
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)
