"""What a serving process does once it has loaded the program, before its first request."""

import gc

from django.urls import get_resolver


def process_ready() -> None:
    """Load the URL map now, then set everything loaded so far aside from the garbage collector.

    Otherwise each full collection walks every module, model, template and URL pattern of the
    program (about a quarter of a million objects), and the requests that trigger one pay for it:
    a tablet's batch of 1,000 changes spent about a tenth of its time there (docs/performance/sync.md).
    What requests create is collected as before.
    """
    get_resolver().url_patterns  # noqa: B018 (loading it is the point)
    gc.freeze()
