"""The interview stage: invitations with a time and place, the question bank, and offers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recruit.clock import utcnow
from recruit.extensions import Model
from recruit.models.application import Application
from recruit.models.campaign import Criterion
from recruit.models.framework import Competency, FrameworkLevel
from recruit.models.types import Status, UTCDateTime, check_in
from recruit.models.user import User


class SlotStatus(Status):
    INVITED = "invited"
    ACCEPTED = "accepted"
    CHANGE_REQUESTED = "change_requested"
    DID_NOT_ATTEND = "did_not_attend"
    WITHDREW = "withdrew"


class OfferStatus(Status):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


SLOT_STATUSES = tuple(SlotStatus)
OFFER_STATUSES = tuple(OfferStatus)


class InterviewSlot(Model):
    """A candidate's interview: when, for how long, where or by which video link."""

    __tablename__ = "interview_slots"
    __table_args__ = (
        CheckConstraint("minutes >= 10 AND minutes <= 480", name="minutes_range"),
        check_in("status", SlotStatus),
        CheckConstraint("length(place) > 0 OR length(video_link) > 0", name="place_or_link"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), unique=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes: Mapped[int] = mapped_column(default=60)
    place: Mapped[str] = mapped_column(Text, default="")
    video_link: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20), default=SlotStatus.INVITED)
    candidate_note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    application: Mapped[Application] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def absence_recorded(self) -> bool:
        """The candidate did not attend, or withdrew: the interview can no longer be moved."""
        return self.status in (SlotStatus.DID_NOT_ATTEND, SlotStatus.WITHDREW)


class InterviewTime(Model):
    """A time the admin has published for candidates to book themselves: first come, first served. At most one
    application holds it (`booked_application_id`, unique), and an application holds at most one; booking takes it
    with a conditional update, so two candidates racing for it cannot both have it. The booking also fills the
    application's InterviewSlot, which the rest of the interview stage reads."""

    __tablename__ = "interview_times"
    __table_args__ = (
        CheckConstraint("minutes >= 10 AND minutes <= 480", name="minutes_range"),
        CheckConstraint("length(place) > 0 OR length(video_link) > 0", name="place_or_link"),
        Index("ix_interview_times_campaign_starts_at", "campaign_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes: Mapped[int] = mapped_column(default=60)
    place: Mapped[str] = mapped_column(Text, default="")
    video_link: Mapped[str] = mapped_column(String(500), default="")
    booked_application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    booked_application: Mapped[Application | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class InterviewQuestion(Model):
    """A question in the bank, for a competency (and optionally one level), or general."""

    __tablename__ = "interview_questions"
    __table_args__ = (CheckConstraint("length(trim(text)) > 0", name="text_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competency_id: Mapped[int | None] = mapped_column(ForeignKey("competencies.id"))
    level_id: Mapped[int | None] = mapped_column(ForeignKey("framework_levels.id"))
    text: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    competency: Mapped[Competency | None] = relationship()
    level: Mapped[FrameworkLevel | None] = relationship()


class CriterionQuestion(Model):
    """A question chosen for one of a campaign's interview criteria, shown to the panel."""

    __tablename__ = "criterion_questions"
    __table_args__ = (UniqueConstraint("criterion_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("interview_questions.id"))
    position: Mapped[int] = mapped_column(default=0)

    criterion: Mapped[Criterion] = relationship()
    question: Mapped[InterviewQuestion] = relationship()


class Offer(Model):
    """An offer of a post down the merit list, with its terms; the candidate answers it online by `respond_by` (a UK
    date, the last day they can), or the admin records an answer given another way. Offers made before the terms
    were kept have none: their salary and dates are empty."""

    __tablename__ = "offers"
    __table_args__ = (
        check_in("status", OfferStatus),
        Index("ix_offers_campaign_status", "campaign_id", "status"),
        CheckConstraint("salary IS NULL OR salary > 0", name="salary_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default=OfferStatus.OFFERED)
    from_reserve: Mapped[bool] = mapped_column(default=False)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    made_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    salary: Mapped[int | None]  # a year, in whole pounds
    location: Mapped[str] = mapped_column(String(200), default="", server_default="")
    starts_on: Mapped[date | None] = mapped_column(Date)
    conditions: Mapped[str] = mapped_column(Text, default="", server_default="")
    respond_by: Mapped[date | None] = mapped_column(Date)
    decline_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    application: Mapped[Application] = relationship()
    made_by: Mapped[User] = relationship()

    @property
    def standing(self) -> bool:
        """Made and not declined or withdrawn: the candidate's answer can still be recorded."""
        return self.status in (OfferStatus.OFFERED, OfferStatus.ACCEPTED)
