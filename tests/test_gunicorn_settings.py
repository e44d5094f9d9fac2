"""gunicorn.conf.py: each worker, once it has loaded the app, freezes what it loaded out of the garbage collector's
sight, so that full collections during requests do not walk the app's long-lived objects, and collects young objects
less often than Python's default (recruit/processes.py)."""

from __future__ import annotations

import gc
import runpy
from pathlib import Path
from types import SimpleNamespace

from recruit.processes import YOUNG_THRESHOLD

ROOT = Path(__file__).resolve().parents[1]


def test_a_worker_freezes_what_it_loaded_once_the_app_is_loaded():
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    loaded = [object() for _ in range(10)]  # what the app loaded, tracked by the collector
    gc.unfreeze()
    threshold = gc.get_threshold()
    try:
        assert gc.get_freeze_count() == 0
        settings["post_worker_init"](SimpleNamespace())
        assert gc.get_freeze_count() >= len(loaded)
        # Young objects collected every YOUNG_THRESHOLD allocations; the older generations keep their ratios.
        assert gc.get_threshold() == (YOUNG_THRESHOLD, threshold[1], threshold[2])
        assert threshold[0] < YOUNG_THRESHOLD
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
