"""Scores, conflicts of interest and agreed scores, with every version kept; the same for both stages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recruit.clock import utcnow
from recruit.extensions import Model
from recruit.models.application import Application
from recruit.models.campaign import Campaign, Criterion
from recruit.models.types import Status, UTCDateTime, check_in
from recruit.models.user import User

STAGE_CHECK = "stage IN ('sift', 'interview')"


class ScoreStatus(Status):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class AgreedScoreStatus(Status):
    AGREED = "agreed"
    REOPENED = "reopened"


class Score(Model):
    """One assessor's score for one application and criterion at one stage."""

    __tablename__ = "scores"
    __table_args__ = (
        UniqueConstraint("application_id", "criterion_id", "assessor_id", "stage"),
        CheckConstraint(STAGE_CHECK, name="stage_known"),
        check_in("status", ScoreStatus),
        CheckConstraint(
            "status = 'draft' OR (value IS NOT NULL AND length(trim(rationale)) > 0)", name="submitted_is_complete"
        ),
        Index("ix_scores_assessor_stage", "assessor_id", "stage", "status"),
        Index("ix_scores_item", "application_id", "criterion_id", "stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="CASCADE"))
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    stage: Mapped[str] = mapped_column(String(20))
    value: Mapped[int | None]
    rationale: Mapped[str] = mapped_column(Text, default="")
    # What was heard at interview; empty at sift.
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=ScoreStatus.DRAFT)
    ticked: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    application: Mapped[Application] = relationship()
    criterion: Mapped[Criterion] = relationship()
    assessor: Mapped[User] = relationship()
    history: Mapped[list[ScoreVersion]] = relationship(order_by="ScoreVersion.id", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def submitted(self) -> bool:
        return self.status == ScoreStatus.SUBMITTED


class ScoreVersion(Model):
    """Every saved state of a score, kept for the record."""

    __tablename__ = "score_versions"
    __table_args__ = (check_in("status", ScoreStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    score_id: Mapped[int] = mapped_column(ForeignKey("scores.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(20))
    value: Mapped[int | None]
    rationale: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    ticked: Mapped[list[int]] = mapped_column(JSON, default=list)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    by: Mapped[User] = relationship()


class Conflict(Model):
    """An assessor's declaration about one application at one stage: a conflict, or (at interview) none."""

    __tablename__ = "conflicts"
    __table_args__ = (
        UniqueConstraint("application_id", "assessor_id", "stage"),
        CheckConstraint(STAGE_CHECK, name="stage_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    stage: Mapped[str] = mapped_column(String(20))
    has_conflict: Mapped[bool] = mapped_column(default=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    assessor: Mapped[User] = relationship()


class ModerationDeputy(Model):
    """The panel member an admin names to moderate one application at one stage, in place of a chair who
    declared a conflict of interest with that candidate (DESIGN §6, "Who may moderate what")."""

    __tablename__ = "moderation_deputies"
    __table_args__ = (
        UniqueConstraint("application_id", "stage"),
        CheckConstraint(STAGE_CHECK, name="stage_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(20))
    deputy_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    named_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    named_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deputy: Mapped[User] = relationship(foreign_keys=[deputy_id])


class AgreedScore(Model):
    """The moderated score for one application and criterion at one stage. Locked once agreed."""

    __tablename__ = "agreed_scores"
    __table_args__ = (
        UniqueConstraint("application_id", "criterion_id", "stage"),
        CheckConstraint(STAGE_CHECK, name="stage_known"),
        check_in("status", AgreedScoreStatus),
        Index("ix_agreed_scores_stage", "stage", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(20))
    value: Mapped[int]
    proposal: Mapped[int]
    discrepant: Mapped[bool]
    rationale: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=AgreedScoreStatus.AGREED)
    agreed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    agreed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Feedback for the candidate on this criterion (written by the chair, released later).
    feedback: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    criterion: Mapped[Criterion] = relationship()
    agreed_by: Mapped[User] = relationship()
    history: Mapped[list[AgreedScoreVersion]] = relationship(
        order_by="AgreedScoreVersion.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def locked(self) -> bool:
        """Agreed and not reopened."""
        return self.status == AgreedScoreStatus.AGREED


class AgreedScoreVersion(Model):
    __tablename__ = "agreed_score_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreed_score_id: Mapped[int] = mapped_column(ForeignKey("agreed_scores.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # agreed, reopened
    value: Mapped[int]
    rationale: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    by: Mapped[User] = relationship()


class StageRecord(Model):
    """A campaign stage's decisions: pre-sift, the decision who goes on, and the chair's sign-off."""

    __tablename__ = "stage_records"
    __table_args__ = (
        UniqueConstraint("campaign_id", "stage"),
        CheckConstraint(STAGE_CHECK, name="stage_known"),
        CheckConstraint("decision_rule IS NULL OR decision_rule IN ('all_passing', 'top_n')", name="rule_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(20))
    presift_active: Mapped[bool] = mapped_column(default=False)
    presift_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_rule: Mapped[str | None] = mapped_column(String(20))
    decision_top_n: Mapped[int | None]
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Outcomes and feedback are released to candidates per stage; before that they see nothing of scores.
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reserve_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign] = relationship()
    signed_off_by: Mapped[User | None] = relationship(foreign_keys=[signed_off_by_id])
