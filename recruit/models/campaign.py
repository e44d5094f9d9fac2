"""Campaigns (vacancies): details, status, scoring settings, criteria and the panels for each stage."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recruit.clock import utcnow
from recruit.extensions import Model
from recruit.labels import CONTRACT_TYPE_LABELS, SECURITY_CLEARANCE_LABELS, WORKING_PATTERN_LABELS
from recruit.models.framework import Competency, Framework, FrameworkLevel, Grade
from recruit.models.role import RoleProfile
from recruit.models.scale import ScoringScale
from recruit.models.types import Status, UTCDateTime, check_in
from recruit.models.user import User


class CampaignStatus(Status):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    SIFT = "sift"
    INTERVIEW = "interview"
    COMPLETE = "complete"
    WITHDRAWN = "withdrawn"


class ContractType(StrEnum):
    PERMANENT = "permanent"
    FIXED_TERM = "fixed_term"
    LOAN = "loan"


class WorkingPattern(StrEnum):
    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    JOB_SHARE = "job_share"
    FLEXIBLE = "flexible"


class SecurityClearance(StrEnum):
    BPSS = "bpss"
    CTC = "ctc"
    SC = "sc"
    DV = "dv"
    NONE = "none"


# The advert's limits, kept by the database's checks as well as the forms.
SALARY_LIMIT = 1_000_000
CONTRACT_MONTHS_LIMIT = 60

STATUSES = tuple(CampaignStatus)
# A campaign in one of these is over: nothing about it changes any more.
FINISHED = (CampaignStatus.COMPLETE, CampaignStatus.WITHDRAWN)
STAGES = ("sift", "interview")


class Campaign(Model):
    __tablename__ = "campaigns"
    __table_args__ = (
        check_in("status", CampaignStatus),
        CheckConstraint("posts >= 1", name="posts_positive"),
        CheckConstraint("discrepancy_threshold >= 1", name="threshold_positive"),
        CheckConstraint("presift_threshold IS NULL OR presift_threshold >= 1", name="presift_positive"),
        CheckConstraint("merit_basis IN ('interview', 'sift_and_interview')", name="merit_basis_known"),
        CheckConstraint("reserve_months >= 0 AND reserve_months <= 36", name="reserve_months_range"),
        CheckConstraint("booking_cutoff_hours >= 0 AND booking_cutoff_hours <= 336", name="booking_cutoff_range"),
        CheckConstraint("length(reference) > 0", name="reference_not_empty"),
        # The advert: a salary range in whole pounds, both ends or neither (campaigns made before the advert had
        # its fields state no salary).
        CheckConstraint("(salary_min IS NULL) = (salary_max IS NULL)", name="salary_both_or_neither"),
        CheckConstraint(
            f"salary_min IS NULL OR (salary_min >= 0 AND salary_min <= salary_max AND salary_max <= {SALARY_LIMIT})",
            name="salary_range",
        ),
        CheckConstraint("salary_currency = 'GBP'", name="salary_currency_known"),
        check_in("contract_type", ContractType),
        # A fixed-term contract has a length; no other kind has one.
        CheckConstraint(
            "(COALESCE(contract_type, '') = 'fixed_term') = (contract_months IS NOT NULL)",
            name="contract_months_when_fixed_term",
        ),
        CheckConstraint(
            f"contract_months IS NULL OR (contract_months >= 1 AND contract_months <= {CONTRACT_MONTHS_LIMIT})",
            name="contract_months_range",
        ),
        check_in("security_clearance", SecurityClearance),
        CheckConstraint(
            "disability_confident_minimum IS NULL OR disability_confident_minimum >= 0",
            name="disability_confident_minimum_not_negative",
        ),
        Index("ix_campaigns_status_closes_at", "status", "closes_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200))
    # The main place of work, as the vacancy list and the reports show it; other_locations holds any further
    # places, one a line (see `locations`).
    location: Mapped[str] = mapped_column(String(200))
    other_locations: Mapped[str] = mapped_column(Text, default="")
    posts: Mapped[int] = mapped_column(default=1)
    description: Mapped[str] = mapped_column(Text, default="")
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The advert. NULL (or empty) is "not stated": campaigns made before these fields existed; the form asks for
    # them before the details can be saved again.
    salary_min: Mapped[int | None]
    salary_max: Mapped[int | None]
    salary_currency: Mapped[str] = mapped_column(String(3), default="GBP")
    pay_notes: Mapped[str] = mapped_column(String(200), default="")
    contract_type: Mapped[str | None] = mapped_column(String(20))
    contract_months: Mapped[int | None]
    security_clearance: Mapped[str | None] = mapped_column(String(20))
    nationality_requirements: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    status: Mapped[str] = mapped_column(String(20), default=CampaignStatus.DRAFT)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"))
    grade_id: Mapped[int | None] = mapped_column(ForeignKey("grades.id"))
    role_profile_id: Mapped[int | None] = mapped_column(ForeignKey("role_profiles.id"))
    scale_id: Mapped[int] = mapped_column(ForeignKey("scoring_scales.id"))
    discrepancy_threshold: Mapped[int] = mapped_column(default=2)
    overall_pass_mark: Mapped[int | None]
    presift_threshold: Mapped[int | None]
    # Merit order by the interview total, or by the sift and interview totals together.
    merit_basis: Mapped[str] = mapped_column(String(30), default="interview")
    reserve_months: Mapped[int] = mapped_column(default=12)
    # How many hours before a self-service interview time candidates stop booking, changing or cancelling it.
    booking_cutoff_hours: Mapped[int] = mapped_column(default=48, server_default="48")
    # Whether the sift cannot start until the calibration round has agreed a score for every benchmark answer.
    calibration_required: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The Disability Confident scheme: whether opted-in candidates who meet the minimum criteria are guaranteed an
    # interview, and the minimum agreed score on every sift criterion (NULL: each criterion's own pass mark).
    disability_confident: Mapped[bool] = mapped_column(default=False, server_default=false())
    disability_confident_minimum: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A legal hold keeps the campaign's personal data past the retention period (a tribunal or appeal).
    legal_hold: Mapped[bool] = mapped_column(default=False)
    legal_hold_reason: Mapped[str] = mapped_column(Text, default="")
    legal_hold_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    legal_hold_set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # When the retention purge erased the campaign's personal data (scores are kept, anonymous).
    personal_data_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    framework: Mapped[Framework] = relationship()
    grade: Mapped[Grade | None] = relationship()
    role_profile: Mapped[RoleProfile | None] = relationship()
    scale: Mapped[ScoringScale] = relationship()
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="campaign", order_by="Criterion.position", cascade="all, delete-orphan"
    )
    panels: Mapped[list[Panel]] = relationship(back_populates="campaign", cascade="all, delete-orphan")
    status_changes: Mapped[list[StatusChange]] = relationship(order_by="StatusChange.id", cascade="all, delete-orphan")
    working_pattern_rows: Mapped[list[CampaignWorkingPattern]] = relationship(cascade="all, delete-orphan")

    @property
    def working_patterns(self) -> list[str]:
        """The working patterns offered, in the order the form lists them."""
        chosen = {row.pattern for row in self.working_pattern_rows}
        return [pattern.value for pattern in WorkingPattern if pattern in chosen]

    @property
    def locations(self) -> list[str]:
        """Every place the job can be done: the main location, then the others."""
        others = [line.strip() for line in self.other_locations.splitlines() if line.strip()]
        return [self.location, *others]

    # The advert as people read it; "" where the campaign does not state it.

    @property
    def salary_text(self) -> str:
        if self.salary_min is None or self.salary_max is None:
            return ""
        low, high = f"£{self.salary_min:,}", f"£{self.salary_max:,}"
        amount = low if self.salary_min == self.salary_max else f"{low} to {high}"
        return f"{amount}, {self.pay_notes}" if self.pay_notes else amount

    @property
    def contract_text(self) -> str:
        if self.contract_type is None:
            return ""
        label = CONTRACT_TYPE_LABELS.get(self.contract_type, self.contract_type)
        if self.contract_months is None:
            return label
        return f"{label}, {self.contract_months} month{'' if self.contract_months == 1 else 's'}"

    @property
    def working_pattern_text(self) -> str:
        return ", ".join(WORKING_PATTERN_LABELS.get(pattern, pattern) for pattern in self.working_patterns)

    @property
    def security_clearance_text(self) -> str:
        if self.security_clearance is None:
            return ""
        return SECURITY_CLEARANCE_LABELS.get(self.security_clearance, self.security_clearance)

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def is_draft(self) -> bool:
        return self.status == CampaignStatus.DRAFT

    @property
    def display_status(self) -> CampaignStatus:
        """The status as people should read it now: an open campaign whose closing time has passed takes no more
        applications, so it reads as closed before an admin moves it on. Show it with the `status_label` filter."""
        if self.status == CampaignStatus.OPEN and self.closes_at is not None and self.closes_at <= utcnow():
            return CampaignStatus.CLOSED
        return CampaignStatus(self.status)

    @property
    def stages_with_results(self) -> tuple[str, ...]:
        """The stages whose results are there to look at, by how far the campaign has gone."""
        stages: dict[str, tuple[str, ...]] = {
            CampaignStatus.SIFT: ("sift",),
            CampaignStatus.INTERVIEW: ("sift", "interview"),
            CampaignStatus.COMPLETE: ("sift", "interview"),
        }
        return stages.get(self.status, ())

    def in_stage(self, stage: str) -> bool:
        """Whether the campaign is in this stage now (its scoring and moderation are under way)."""
        return self.status == stage

    def panel(self, stage: str) -> Panel | None:
        return next((panel for panel in self.panels if panel.stage == stage), None)

    def criteria_at(self, stage: str) -> list[Criterion]:
        return [criterion for criterion in self.criteria if criterion.assessed_at(stage)]

    @property
    def lead_criterion(self) -> Criterion | None:
        return next((criterion for criterion in self.criteria if criterion.is_lead), None)

    @property
    def grade_label(self) -> str:
        if self.grade is not None:
            return self.grade.name
        if self.role_profile is not None and self.role_profile.grade_name:
            return self.role_profile.grade_name
        return ""


class CampaignWorkingPattern(Model):
    """One working pattern a campaign's vacancy offers (full-time, part-time, job share, flexible)."""

    __tablename__ = "campaign_working_patterns"
    __table_args__ = (check_in("pattern", WorkingPattern),)

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    pattern: Mapped[str] = mapped_column(String(20), primary_key=True)


class Criterion(Model):
    """What a campaign assesses: a framework competency at a level, or a criterion of its own."""

    __tablename__ = "criteria"
    __table_args__ = (
        UniqueConstraint("campaign_id", "code"),
        CheckConstraint("at_sift OR at_interview", name="assessed_somewhere"),
        CheckConstraint("weight >= 1 AND weight <= 10", name="weight_range"),
        CheckConstraint("word_limit >= 50 AND word_limit <= 2000", name="word_limit_range"),
        CheckConstraint(
            "(competency_id IS NOT NULL AND level_id IS NOT NULL) OR (competency_id IS NULL AND length(title) > 0)",
            name="competency_or_own_title",
        ),
        # At most one lead criterion per campaign.
        Index(
            "uq_criteria_one_lead",
            "campaign_id",
            unique=True,
            sqlite_where=text("is_lead"),
            postgresql_where=text("is_lead"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    position: Mapped[int]
    # A short, stable name for the criterion, used for CSV columns; never reused within a campaign.
    code: Mapped[str] = mapped_column(String(100))
    competency_id: Mapped[int | None] = mapped_column(ForeignKey("competencies.id"))
    level_id: Mapped[int | None] = mapped_column(ForeignKey("framework_levels.id"))
    title: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    at_sift: Mapped[bool] = mapped_column(default=True)
    at_interview: Mapped[bool] = mapped_column(default=True)
    weight: Mapped[int] = mapped_column(default=1)
    pass_mark: Mapped[int] = mapped_column(default=4)
    word_limit: Mapped[int] = mapped_column(default=250)
    is_lead: Mapped[bool] = mapped_column(default=False)

    campaign: Mapped[Campaign] = relationship(back_populates="criteria")
    competency: Mapped[Competency | None] = relationship()
    level: Mapped[FrameworkLevel | None] = relationship()

    @property
    def name(self) -> str:
        return self.competency.name if self.competency is not None else self.title

    @property
    def summary(self) -> str:
        return self.competency.description if self.competency is not None else self.description

    def assessed_at(self, stage: str) -> bool:
        return self.at_sift if stage == "sift" else self.at_interview

    @property
    def stages(self) -> list[str]:
        return [stage for stage in STAGES if self.assessed_at(stage)]


class Panel(Model):
    __tablename__ = "panels"
    __table_args__ = (
        UniqueConstraint("campaign_id", "stage"),
        CheckConstraint("stage IN ('sift', 'interview')", name="stage_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(20))

    campaign: Mapped[Campaign] = relationship(back_populates="panels")
    members: Mapped[list[PanelMember]] = relationship(
        back_populates="panel", order_by="PanelMember.id", cascade="all, delete-orphan"
    )

    @property
    def chair(self) -> User | None:
        return next((member.user for member in self.members if member.is_chair), None)

    @property
    def assessors(self) -> list[User]:
        return [member.user for member in self.members]


class PanelMember(Model):
    __tablename__ = "panel_members"
    __table_args__ = (
        UniqueConstraint("panel_id", "user_id"),
        Index(
            "uq_panel_members_one_chair",
            "panel_id",
            unique=True,
            sqlite_where=text("is_chair"),
            postgresql_where=text("is_chair"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    is_chair: Mapped[bool] = mapped_column(default=False)

    panel: Mapped[Panel] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class StatusChange(Model):
    """The campaign's status history, as shown on its overview (the audit log has it too)."""

    __tablename__ = "campaign_status_changes"
    __table_args__ = (
        check_in("from_status", CampaignStatus),
        check_in("to_status", CampaignStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text, default="")

    by: Mapped[User | None] = relationship()
