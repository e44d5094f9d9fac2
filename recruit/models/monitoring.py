"""Diversity monitoring (DESIGN §12): a candidate's optional answers, and the counts kept once they are erased.

The answers are held apart from the application on purpose. Nothing a panel reads joins to this table, no
relationship leads here from an application, and admins see only the aggregate figures
(`recruit.services.fairness`). When a campaign's personal data is erased the answers go too, and what they
contributed to the figures is kept as counts in `monitoring_counts`, which name nobody.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from recruit.clock import utcnow
from recruit.extensions import Model
from recruit.models.types import UTCDateTime
from recruit.monitoring_questions import NOT_ANSWERED, QUESTIONS


def _answer_known(key: str, codes: tuple[str, ...]) -> CheckConstraint:
    allowed = ", ".join(f"'{code}'" for code in codes)
    return CheckConstraint(f"{key} IN ({allowed})", name=f"{key}_known")


class MonitoringResponse(Model):
    """One candidate's answers for one application; a question left blank is NULL."""

    __tablename__ = "monitoring_responses"
    __table_args__ = tuple(_answer_known(q.key, q.codes) for q in QUESTIONS)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), unique=True)
    sex: Mapped[str | None] = mapped_column(String(40))
    gender_identity: Mapped[str | None] = mapped_column(String(40))
    age_band: Mapped[str | None] = mapped_column(String(40))
    ethnicity: Mapped[str | None] = mapped_column(String(40))
    disability: Mapped[str | None] = mapped_column(String(40))
    sexual_orientation: Mapped[str | None] = mapped_column(String(40))
    religion: Mapped[str | None] = mapped_column(String(40))
    caring_children: Mapped[str | None] = mapped_column(String(40))
    caring_others: Mapped[str | None] = mapped_column(String(40))
    parent_occupation: Mapped[str | None] = mapped_column(String(40))
    school_type: Mapped[str | None] = mapped_column(String(40))
    free_school_meals: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    def answers(self) -> dict[str, str | None]:
        return {q.key: getattr(self, q.key) for q in QUESTIONS}


class MonitoringCount(Model):
    """How many erased responses gave one answer to one question and reached one stage of one campaign."""

    __tablename__ = "monitoring_counts"
    __table_args__ = (
        UniqueConstraint("campaign_id", "question", "answer", "stage"),
        CheckConstraint("count >= 0", name="count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(String(40))
    # An answer's code, or NOT_ANSWERED for a blank.
    answer: Mapped[str] = mapped_column(String(40), default=NOT_ANSWERED)
    stage: Mapped[str] = mapped_column(String(30))
    count: Mapped[int] = mapped_column(default=0)
