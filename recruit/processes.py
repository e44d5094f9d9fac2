"""How a long-lived web worker process keeps the garbage collector out of the way (gunicorn.conf.py calls
settle_worker once each worker has loaded the app; bench/profile_pages.py does the same to measure what a worker
does).

Everything loaded by then (the app, its modules, SQLAlchemy's mappers, the compiled templates: some 250,000 objects)
lives as long as the worker: gc.freeze() moves it out of the collector's sight, so a full collection no longer walks
it all. A page that makes many objects, such as the moderation board of a large sift, otherwise pays tens of
milliseconds now and then for a collection that finds nothing of theirs.

A request makes tens of thousands of short-lived objects (ORM rows and their states, template output), almost all
freed by reference counting when the request ends. With the default threshold (a young collection every 700 more
allocations than frees) a scoring page ran some thirty young collections that found next to nothing, about a
twentieth of the worker's CPU. A young collection every YOUNG_THRESHOLD allocations instead: cyclic garbage waits a
little longer (a few megabytes at most), and the older generations keep their default ratios.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 20_000


def settle_worker() -> None:
    """Freeze what the worker has loaded and collect young objects less often (see the module's docstring)."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
