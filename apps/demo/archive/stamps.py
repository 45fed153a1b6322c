"""How the archive writes: in batches, keeping the past times it is given."""

from contextlib import contextmanager

BATCH = 2000


@contextmanager
def stamps_as_given(*models):
    """Let bulk_create keep the past times it is given instead of stamping the load's own time."""
    fields = [f for m in models for f in m._meta.concrete_fields if getattr(f, "auto_now", False)]
    fields += [f for m in models for f in m._meta.concrete_fields if getattr(f, "auto_now_add", False)]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, add in saved:
            f.auto_now, f.auto_now_add = now, add
