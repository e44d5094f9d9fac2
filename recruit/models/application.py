"""Applications: one per candidate per campaign, with personal details held apart from the evidence."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recruit.clock import utcnow
from recruit.extensions import Model
from recruit.models.campaign import Campaign, Criterion
from recruit.models.types import Status, UTCDateTime, check_in
from recruit.models.user import User


# After submission the sift decides who goes on; the interview stage adds its own outcomes.
class ApplicationStatus(Status):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    PRESIFT_FAILED = "presift_failed"
    SIFT_FAILED = "sift_failed"
    SIFT_PASSED = "sift_passed"
    DID_NOT_ATTEND = "did_not_attend"
    INTERVIEW_WITHDRAWN = "interview_withdrawn"


APPLICATION_STATUSES = tuple(ApplicationStatus)


class Application(Model):
    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("campaign_id", "candidate_id"),
        CheckConstraint("length(reference) = 9", name="reference_format"),
        Index("ix_applications_campaign_status", "campaign_id", "status"),
        check_in("status", ApplicationStatus),
        check_in("withdrawn_from", ApplicationStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    # Empty once the retention purge has erased the campaign's personal data: the scores stay, anonymous.
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Random and unguessable: the only identifier a sift panel sees.
    reference: Mapped[str] = mapped_column(String(9), unique=True)
    status: Mapped[str] = mapped_column(String(30), default=ApplicationStatus.DRAFT)
    source: Mapped[str] = mapped_column(String(20), default="online")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The status it had when withdrawn: a stage signed off before the withdrawal keeps it in its record there.
    withdrawn_from: Mapped[str | None] = mapped_column(String(30))
    # Bumped by every change; a save based on an older version is refused instead of overwriting.
    version: Mapped[int] = mapped_column(default=1)

    campaign: Mapped[Campaign] = relationship()
    candidate: Mapped[User | None] = relationship()
    personal_details: Mapped[PersonalDetails | None] = relationship(
        back_populates="application", cascade="all, delete-orphan", uselist=False
    )
    statements: Mapped[list[Statement]] = relationship(back_populates="application", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    def statement_for(self, criterion: Criterion) -> Statement | None:
        return next((s for s in self.statements if s.criterion_id == criterion.id), None)

    @property
    def editable(self) -> bool:
        return self.status == ApplicationStatus.DRAFT

    @property
    def withdrawn(self) -> bool:
        return self.status == ApplicationStatus.WITHDRAWN


class PersonalDetails(Model):
    """Who the candidate is. Kept out of the evidence so the sift can be name-blind."""

    __tablename__ = "personal_details"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40), default="")
    # Employers, schools, referees: one a line, looked for in the statements so the candidate can leave them out
    # (DESIGN §12, redaction). Who the candidate is, so it is kept here and erased with the rest.
    organisations: Mapped[str] = mapped_column(Text, default="")

    application: Mapped[Application] = relationship(back_populates="personal_details")


class Statement(Model):
    """The candidate's evidence for one sift criterion."""

    __tablename__ = "statements"
    __table_args__ = (
        UniqueConstraint("application_id", "criterion_id"),
        CheckConstraint("word_count >= 0", name="word_count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text, default="")
    word_count: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    application: Mapped[Application] = relationship(back_populates="statements")
    criterion: Mapped[Criterion] = relationship()
