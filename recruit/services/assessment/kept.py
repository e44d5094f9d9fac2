"""What the chair's pages work out from a whole stage (every item's standing, the counted scores), kept in each
process under the campaign's report data version (models/report_data.py).

Every write that can change such a figure (a score submitted or withdrawn, a conflict declared, an agreed score,
the panel, which applications a stage scores, the campaign's settings) moves that version on at its commit, so a
value kept under the version read now is exactly what reading the stage again would give. A transaction that has
itself written such data has no committed version to go by, and reads afresh.

When the version has moved on since the value kept, and every version between changed only known applications
(the report data change log says which), the kept value is brought up to date by reading again those applications'
rows alone (the caller's `update`): a submitted score costs the board a read of one application, not the stage's.
Otherwise, or when `update` declines, the whole stage is read again.

Only the latest value of each key is kept, bounded by what the values hold (items, scores), not by how many are
kept: a 10,000-application sift is large.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from recruit.extensions import db
from recruit.models.report_data import version_and_changes

T = TypeVar("T")
M = TypeVar("M", bound=dict[int, Any])

# Beyond this many applications changed since a value was kept, an `update` that reads them again declines and the
# whole stage is read: one query either way, and the whole read is then as quick.
UPDATED_AT_MOST = 500

_stores: list[KeptByVersion[Any]] = []


class KeptByVersion(Generic[T]):
    """Values read from one campaign's data, the latest of each key kept with the campaign's report data version it
    was read at, the least lately used dropped first once those kept hold more than `limit` (as `size` counts them;
    the latest used is always kept)."""

    def __init__(self, limit: int, size: Callable[[T], int]) -> None:
        self._limit, self._size = limit, size
        self._kept: OrderedDict[tuple[Hashable, ...], tuple[T, int, int]] = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()
        _stores.append(self)

    def get(
        self,
        campaign_id: int,
        key: tuple[Hashable, ...],
        read: Callable[[], T],
        update: Callable[[T, set[int]], T | None] | None = None,
    ) -> T:
        """The value kept for this campaign and key at the campaign's current version; else, with `update`, the
        value kept at an earlier version brought up to date by `update(kept, changed application ids)` when the
        change log covers every version since and `update` does not decline (None); else `read()`. The new value is
        kept. What is returned may be shared between requests: callers must not change it, and `update` must make
        a new value rather than change the one it is given."""
        full = (campaign_id, *key)
        with self._lock:
            found = self._kept.get(full)
            if found is not None:
                self._kept.move_to_end(full)
        # Read before the data, in one query with the applications changed since the version kept: a change
        # committed in between can only make what is kept newer than its version, and the change is logged at a
        # later version, which brings it in again when that version is read.
        version, changed = version_and_changes(db.session(), campaign_id, found[1] if found is not None else None)
        if version is None:
            return read()
        value: T | None = None
        if found is not None:
            kept, kept_version, _ = found
            if kept_version == version:
                return kept
            if kept_version > version:
                return read()  # a later version is kept already: this older one is not kept over it
            if update is not None and changed is not None:
                value = update(kept, changed)
        if value is None:
            value = read()
        self._keep(full, value, version)
        return value

    def _keep(self, full: tuple[Hashable, ...], value: T, version: int) -> None:
        size = self._size(value)
        with self._lock:
            found = self._kept.get(full)
            if found is not None and found[1] >= version:
                return
            if found is not None:
                self._held -= found[2]
            self._kept[full] = (value, version, size)
            self._kept.move_to_end(full)
            self._held += size
            while len(self._kept) > 1 and self._held > self._limit:
                _, (_, _, dropped) = self._kept.popitem(last=False)
                self._held -= dropped

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._held = 0


def per_application(
    kept: M, changed: set[int], read: Callable[[list[int]], M], make: Callable[[dict[int, Any]], M]
) -> M | None:
    """An `update` for a value holding one entry per application (ids with their references, counts): `kept` when
    reading the changed applications again (`read(their ids)`) gives each the entry it had (an application read again
    and still left out has none), else a new value (`make(entries)`) with those entries in place of theirs, `kept`
    left as it is. None when so many applications changed that reading the stage whole is as quick."""
    if len(changed) > UPDATED_AT_MOST:
        return None
    fresh = read(sorted(changed))
    if all(kept.get(application_id) == fresh.get(application_id) for application_id in changed):
        return kept
    entries = {application_id: entry for application_id, entry in kept.items() if application_id not in changed}
    entries.update(fresh)
    return make(entries)


def forget_all() -> None:
    """Drop everything kept in this process (for timing the reads themselves, and between tests, whose rolled-back
    data reuses ids and versions)."""
    for store in _stores:
        store.clear()
