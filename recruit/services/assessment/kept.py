"""What the chair's pages work out from a whole stage (every item's standing, the counted scores), kept in each
process under the campaign's report data version (models/report_data.py).

Every write that can change such a figure (a score submitted or withdrawn, a conflict declared, an agreed score,
the panel, which applications a stage scores, the campaign's settings) moves that version on at its commit, so a
value kept under the version read now is exactly what reading the stage again would give. A transaction that has
itself written such data has no committed version to go by, and reads afresh.

Bounded by what the values hold (items, scores), not by how many are kept: a 10,000-application sift is large.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from recruit.extensions import db
from recruit.models.report_data import committed_version

T = TypeVar("T")

_stores: list[KeptByVersion[Any]] = []


class KeptByVersion(Generic[T]):
    """Values read from one campaign's data, each kept under the campaign's report data version, the least lately
    used dropped first once those kept hold more than `limit` (as `size` counts them; the latest is always kept)."""

    def __init__(self, limit: int, size: Callable[[T], int]) -> None:
        self._limit, self._size = limit, size
        self._kept: OrderedDict[tuple[Hashable, ...], tuple[T, int]] = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()
        _stores.append(self)

    def get(self, campaign_id: int, key: tuple[Hashable, ...], read: Callable[[], T]) -> T:
        """The value kept for this campaign and key at the campaign's current version, else `read()` (then kept).
        What is returned may be shared between requests: callers must not change it."""
        # Read before the data: a change committed in between can only make what is kept newer than its version.
        version = committed_version(db.session(), campaign_id)
        if version is None:
            return read()
        full = (campaign_id, *key, version)
        with self._lock:
            found = self._kept.get(full)
            if found is not None:
                self._kept.move_to_end(full)
                return found[0]
        value = read()
        size = self._size(value)
        with self._lock:
            if full not in self._kept:
                self._kept[full] = (value, size)
                self._held += size
            while len(self._kept) > 1 and self._held > self._limit:
                _, (_, dropped) = self._kept.popitem(last=False)
                self._held -= dropped
        return value

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._held = 0


def forget_all() -> None:
    """Drop everything kept in this process (for timing the reads themselves, and between tests, whose rolled-back
    data reuses ids and versions)."""
    for store in _stores:
        store.clear()
