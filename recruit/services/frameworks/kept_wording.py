"""Framework and scale wording the scoring and moderation pages show on every load, kept in each process under the
public content version (services/public_content.py).

Indicators, level names and scale points change only when a framework or scale is imported or seeded again, and any
such change gives the public content a new version at its commit. So each is read once per version and process, as
plain values shared between requests, rather than as database objects made on every page. A transaction that has
itself changed the public content reads afresh and keeps nothing.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import select

from recruit.extensions import db
from recruit.models import ScalePoint
from recruit.services import public_content

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_stores: list[KeptByToken[Any, Any]] = []


class KeptByToken(Generic[K, V]):
    """Values by key, each kept under the public content version it was read at; the least lately used dropped
    first beyond `limit`."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._kept: OrderedDict[tuple[K, str], V] = OrderedDict()
        self._lock = threading.Lock()
        _stores.append(self)

    def get_many(self, keys: Iterable[K], read: Callable[[set[K]], dict[K, V]]) -> dict[K, V]:
        """The values of these keys: those kept at the current version, the rest from `read` (one call for all of
        them, then kept). What is returned may be shared between requests: callers must not change it."""
        wanted = set(keys)
        if not wanted:
            return {}
        token = public_content.committed_token()
        found: dict[K, V] = {}
        if token is not None:
            with self._lock:
                for key in wanted:
                    kept = self._kept.get((key, token))
                    if kept is not None:
                        self._kept.move_to_end((key, token))
                        found[key] = kept
        missing = wanted - found.keys()
        if not missing:
            return found
        fresh = read(missing)
        found.update(fresh)
        if token is not None:
            with self._lock:
                for key, value in fresh.items():
                    self._kept[(key, token)] = value
                while len(self._kept) > self._limit:
                    self._kept.popitem(last=False)
        return found

    def get(self, key: K, read: Callable[[set[K]], dict[K, V]]) -> V:
        return self.get_many([key], read)[key]

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


def forget_all() -> None:
    """Drop everything kept in this process (between tests, whose rolled-back data reuses ids and versions)."""
    for store in _stores:
        store.clear()


# Scoring scales' points.


@dataclass(frozen=True, slots=True)
class Point:
    """One point of a scoring scale: the value scored, its label and what it means."""

    value: int
    label: str
    descriptor: str


_points: KeptByToken[int, tuple[Point, ...]] = KeptByToken(200)


def scale_points(scale_id: int) -> tuple[Point, ...]:
    """The scale's points, lowest value first (as ScoringScale.points orders them)."""
    return _points.get(scale_id, _read_points)


def _read_points(wanted: set[int]) -> dict[int, tuple[Point, ...]]:
    gathered: dict[int, list[Point]] = {scale_id: [] for scale_id in wanted}
    for scale_id, value, label, descriptor in db.session.execute(
        select(ScalePoint.scale_id, ScalePoint.value, ScalePoint.label, ScalePoint.descriptor)
        .where(ScalePoint.scale_id.in_(sorted(wanted)))
        .order_by(ScalePoint.scale_id, ScalePoint.value)
    ).tuples():
        gathered[scale_id].append(Point(value, label, descriptor))
    return {scale_id: tuple(points) for scale_id, points in gathered.items()}
