"""Scoring scales: points with a number, a label and a descriptor."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recruit.extensions import Model


class ScoringScale(Model):
    __tablename__ = "scoring_scales"
    __table_args__ = (CheckConstraint("length(slug) > 0", name="slug_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    is_default: Mapped[bool] = mapped_column(default=False)

    points: Mapped[list[ScalePoint]] = relationship(
        back_populates="scale", order_by="ScalePoint.value", cascade="all, delete-orphan"
    )

    @property
    def minimum(self) -> int:
        return self.points[0].value

    @property
    def maximum(self) -> int:
        return self.points[-1].value


class ScalePoint(Model):
    __tablename__ = "scale_points"
    __table_args__ = (
        UniqueConstraint("scale_id", "value"),
        CheckConstraint("length(label) > 0", name="label_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scale_id: Mapped[int] = mapped_column(ForeignKey("scoring_scales.id", ondelete="CASCADE"))
    value: Mapped[int]
    label: Mapped[str] = mapped_column(String(100))
    descriptor: Mapped[str] = mapped_column(Text, default="")

    scale: Mapped[ScoringScale] = relationship(back_populates="points")
