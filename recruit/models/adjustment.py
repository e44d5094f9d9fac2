"""Reasonable adjustments: what a candidate asks for to take part on equal terms, and what the admin agreed.

The candidate writes the request; an admin records the outcome, what was agreed, and optionally a note for the
interview panel. The panel reads that note alone, and only at interview. The rows go with the application's
personal data when it is erased.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recruit.clock import utcnow
from recruit.extensions import Model
from recruit.labels import (
    ADJUSTMENT_AWAITING,
    ADJUSTMENT_CATEGORY_LABELS,
    ADJUSTMENT_OUTCOME_LABELS,
    ADJUSTMENT_RESPONDED,
    ADJUSTMENT_STAGE_LABELS,
)
from recruit.models.application import Application
from recruit.models.types import UTCDateTime, check_in
from recruit.models.user import User


class AdjustmentCategory(StrEnum):
    EXTRA_TIME = "extra_time"
    PHYSICAL_ACCESS = "physical_access"
    ASSISTIVE_TECHNOLOGY = "assistive_technology"
    COMMUNICATION_SUPPORT = "communication_support"
    DOCUMENT_FORMAT = "document_format"
    BREAKS_OR_TIMING = "breaks_or_timing"
    OTHER = "other"


class AdjustmentStage(StrEnum):
    """When the candidate asked: while applying (or waiting for the sift), or once invited to interview."""

    APPLICATION = "application"
    INTERVIEW = "interview"


class AdjustmentOutcome(StrEnum):
    AGREED = "agreed"
    PARTLY_AGREED = "partly_agreed"
    NOT_AGREED = "not_agreed"


class AdjustmentRequest(Model):
    __tablename__ = "adjustment_requests"
    __table_args__ = (
        check_in("category", AdjustmentCategory),
        check_in("stage", AdjustmentStage),
        check_in("outcome", AdjustmentOutcome),
        CheckConstraint("length(details) > 0", name="details_not_empty"),
        CheckConstraint("(outcome IS NULL) = (responded_at IS NULL)", name="outcome_with_response"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(40))
    details: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The admin's response: empty until one is recorded; recording again replaces it (the audit log keeps each).
    outcome: Mapped[str | None] = mapped_column(String(20))
    agreed: Mapped[str] = mapped_column(Text, default="")
    # What the interview panel is told; empty tells them nothing.
    panel_note: Mapped[str] = mapped_column(Text, default="")
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    application: Mapped[Application] = relationship()
    responded_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def responded(self) -> bool:
        return self.outcome is not None

    @property
    def category_label(self) -> str:
        return ADJUSTMENT_CATEGORY_LABELS.get(self.category, self.category)

    @property
    def stage_label(self) -> str:
        return ADJUSTMENT_STAGE_LABELS.get(self.stage, self.stage)

    @property
    def outcome_label(self) -> str:
        return ADJUSTMENT_OUTCOME_LABELS.get(self.outcome, self.outcome) if self.outcome else ""

    @property
    def status_label(self) -> str:
        return ADJUSTMENT_RESPONDED if self.responded else ADJUSTMENT_AWAITING
