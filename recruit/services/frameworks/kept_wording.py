"""Framework and scale wording the scoring and moderation pages show on every load, kept in each process under the
public content version (services/public_content.py).

Indicators, level names and scale points change only when a framework or scale is imported or seeded again, and any
such change gives the public content a new version at its commit. So each is read once per version and process, as
plain values shared between requests, rather than as database objects made on every page. A transaction that has
itself changed the public content reads afresh and keeps nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from recruit.extensions import db
from recruit.models import ScalePoint
from recruit.services import public_content
from recruit.services.change_tokens import KeptByToken

# Scoring scales' points.


@dataclass(frozen=True, slots=True)
class Point:
    """One point of a scoring scale: the value scored, its label and what it means."""

    value: int
    label: str
    descriptor: str


_points: KeptByToken[int, tuple[Point, ...]] = KeptByToken(200, public_content.committed_token)


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
