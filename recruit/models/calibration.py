"""The calibration round before the sift (DESIGN §11): benchmark answers written for the purpose, each panel member's
scores for them, and the score the chair agrees for each.

These tables are apart from candidates' scores on purpose: nothing that reads scores, agreed scores, results,
statistics or exports reads them, so a benchmark can never count for any candidate.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recruit.clock import utcnow
from recruit.extensions import Model
from recruit.models.campaign import Campaign, Criterion
from recruit.models.scoring import ScoreStatus
from recruit.models.types import UTCDateTime, check_in
from recruit.models.user import User

LABEL_LIMIT = 60
TEXT_LIMIT = 10000


class BenchmarkAnswer(Model):
    """An answer to one sift criterion, written for the calibration round (never a real candidate's), and the score
    the chair agreed for it."""

    __tablename__ = "benchmark_answers"
    __table_args__ = (
        UniqueConstraint("campaign_id", "label"),
        CheckConstraint("length(label) > 0", name="label_not_empty"),
        CheckConstraint("length(text) > 0", name="text_not_empty"),
        CheckConstraint("(agreed_value IS NULL) = (agreed_at IS NULL)", name="agreed_with_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(LABEL_LIMIT))
    text: Mapped[str] = mapped_column(Text)
    agreed_value: Mapped[int | None]
    agreed_notes: Mapped[str] = mapped_column(Text, default="")
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    campaign: Mapped[Campaign] = relationship()
    criterion: Mapped[Criterion] = relationship()
    agreed_by: Mapped[User | None] = relationship(foreign_keys=[agreed_by_id])
    scores: Mapped[list[BenchmarkScore]] = relationship(
        back_populates="benchmark", order_by="BenchmarkScore.id", cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def agreed(self) -> bool:
        return self.agreed_value is not None


class BenchmarkScore(Model):
    """One panel member's score for one benchmark answer: indicator ticks, score and rationale, as in the sift."""

    __tablename__ = "benchmark_scores"
    __table_args__ = (
        UniqueConstraint("benchmark_id", "assessor_id"),
        check_in("status", ScoreStatus),
        CheckConstraint(
            "status = 'draft' OR (value IS NOT NULL AND length(trim(rationale)) > 0)", name="submitted_is_complete"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    benchmark_id: Mapped[int] = mapped_column(ForeignKey("benchmark_answers.id", ondelete="CASCADE"), index=True)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    value: Mapped[int | None]
    rationale: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=ScoreStatus.DRAFT)
    ticked: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    benchmark: Mapped[BenchmarkAnswer] = relationship(back_populates="scores")
    assessor: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def submitted(self) -> bool:
        return self.status == ScoreStatus.SUBMITTED
