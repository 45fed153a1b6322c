"""Where a live stream's reads run: threads of their own, not the thread of the process's requests.

Under ASGI, Django runs every synchronous view of a process on one thread, one request at a time,
and channels' `database_sync_to_async` queues on that same thread. A follower's next event would
then wait behind every request in flight: in the reconnect storm (bench/reconnect_storm.py) a board
sharing its process with a hundred syncing tablets got its events seconds late. The live path's
reads (the events a follower has not been sent, the heads) run here instead, on a small pool of
threads, each with its own database connection (from the pool when FIRSTLINE_DB_POOL_SIZE is set).
"""

from concurrent.futures import ThreadPoolExecutor

from channels.db import DatabaseSyncToAsync

from apps.streams import conf

_executor: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=conf.live_read_threads(), thread_name_prefix="firstline-live-read")
    return _executor


def live_read(func):
    """`func` as a coroutine run on the live-read threads, with Django's connection housekeeping
    around it (as `database_sync_to_async` does)."""
    return DatabaseSyncToAsync(func, thread_sensitive=False, executor=_pool())
