"""Creating campaigns and changing their details, closing date, scoring settings and panels.

Every change is checked against campaign_rules and audited in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from types import EllipsisType
from typing import Any

from sqlalchemy import func, select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import (
    Campaign,
    CampaignWorkingPattern,
    Grade,
    Panel,
    PanelMember,
    RoleProfile,
    ScoringScale,
    StatusChange,
    User,
)
from recruit.models.campaign import (
    CONTRACT_MONTHS_LIMIT,
    SALARY_LIMIT,
    CampaignStatus,
    ContractType,
    SecurityClearance,
    WorkingPattern,
)
from recruit.services.campaigns.criteria import apply_proposals, propose_from_grade, propose_from_role_profile
from recruit.services.campaigns.rules import require
from recruit.services.campaigns.stages import applicants_among
from recruit.services.errors import Refused
from recruit.services.frameworks.scales import default_scale
from recruit.services.records import audit
from recruit.services.unit_of_work import unit_of_work


@dataclass
class Details:
    """A campaign's vacancy details. The advert's fields default to "not stated", as for a campaign made before
    they existed; the details form asks for them all."""

    title: str
    organisation: str
    location: str
    posts: int
    description: str
    salary_min: int | None = None
    salary_max: int | None = None
    pay_notes: str = ""
    contract_type: str | None = None
    contract_months: int | None = None
    working_patterns: list[str] = field(default_factory=list)
    other_locations: str = ""
    security_clearance: str | None = None
    nationality_requirements: str = ""
    contact_name: str = ""
    contact_email: str = ""


def details_of(campaign: Campaign) -> dict[str, Any]:
    return {
        "title": campaign.title,
        "organisation": campaign.organisation,
        "location": campaign.location,
        "other_locations": campaign.other_locations,
        "posts": campaign.posts,
        "description": campaign.description,
        "salary_min": campaign.salary_min,
        "salary_max": campaign.salary_max,
        "salary_currency": campaign.salary_currency,
        "pay_notes": campaign.pay_notes,
        "contract_type": campaign.contract_type,
        "contract_months": campaign.contract_months,
        "working_patterns": campaign.working_patterns,
        "security_clearance": campaign.security_clearance,
        "nationality_requirements": campaign.nationality_requirements,
        "contact_name": campaign.contact_name,
        "contact_email": campaign.contact_email,
    }


def _check_advert(details: Details) -> None:
    """Refuse what the database's checks would: the forms say the same, so only a caller other than a form
    reaches these."""
    low, high = details.salary_min, details.salary_max
    if (low is None) != (high is None):
        raise Refused("Enter both the minimum and the maximum salary, or neither", "salary_min")
    if low is not None and high is not None:
        if low < 0 or high < 0:
            raise Refused("Salary must be £0 or more", "salary_min")
        if high > SALARY_LIMIT:
            raise Refused(f"Maximum salary must be £{SALARY_LIMIT:,} or less", "salary_max")
        if low > high:
            raise Refused("Maximum salary must be the same as or more than the minimum salary", "salary_max")
    if details.contract_type is not None and details.contract_type not in set(ContractType):
        raise Refused("Select the type of contract", "contract_type")
    if details.contract_type == ContractType.FIXED_TERM:
        months = details.contract_months
        if months is None:
            raise Refused("Enter how many months the fixed-term contract lasts", "contract_months")
        if not 1 <= months <= CONTRACT_MONTHS_LIMIT:
            raise Refused(f"Contract length must be between 1 and {CONTRACT_MONTHS_LIMIT} months", "contract_months")
    if any(pattern not in set(WorkingPattern) for pattern in details.working_patterns):
        raise Refused("Select the working patterns the job offers", "working_patterns")
    if details.security_clearance is not None and details.security_clearance not in set(SecurityClearance):
        raise Refused("Select the security clearance the job needs", "security_clearance")


def _apply_details(campaign: Campaign, details: Details) -> None:
    _check_advert(details)
    campaign.title = details.title.strip()
    campaign.organisation = details.organisation.strip()
    campaign.location = details.location.strip()
    campaign.other_locations = "\n".join(line.strip() for line in details.other_locations.splitlines() if line.strip())
    campaign.posts = details.posts
    campaign.description = details.description.strip()
    campaign.salary_min = details.salary_min
    campaign.salary_max = details.salary_max
    campaign.salary_currency = "GBP"
    campaign.pay_notes = details.pay_notes.strip()
    campaign.contract_type = details.contract_type
    # Only a fixed-term contract has a length: a length typed before choosing another kind is dropped.
    campaign.contract_months = details.contract_months if details.contract_type == ContractType.FIXED_TERM else None
    wanted = set(details.working_patterns)
    # Keep the rows that stay (deleting and re-adding one would reuse its key within a flush).
    campaign.working_pattern_rows = [row for row in campaign.working_pattern_rows if row.pattern in wanted]
    have = {row.pattern for row in campaign.working_pattern_rows}
    campaign.working_pattern_rows.extend(
        CampaignWorkingPattern(pattern=pattern.value)
        for pattern in WorkingPattern
        if pattern in wanted and pattern not in have
    )
    campaign.security_clearance = details.security_clearance
    campaign.nationality_requirements = details.nationality_requirements.strip()
    campaign.contact_name = details.contact_name.strip()
    campaign.contact_email = details.contact_email.strip()


def next_reference(now: datetime | None = None) -> str:
    year = (now or utcnow()).year
    prefix = f"VAC-{year}-"
    count = db.session.scalar(select(func.count(Campaign.id)).where(Campaign.reference.like(f"{prefix}%"))) or 0
    return f"{prefix}{count + 1:04d}"


@unit_of_work()
def create_campaign(
    actor: User, details: Details, *, grade: Grade | None = None, role_profile: RoleProfile | None = None
) -> Campaign:
    """A draft campaign with the criteria its grade or role profile proposes."""
    # Exactly one of the two.
    source = grade if role_profile is None else role_profile if grade is None else None
    if source is None:
        raise Refused("Select a grade or a role profile to start from", "source")
    scale = default_scale()
    framework = source.framework
    campaign = Campaign(
        reference=next_reference(),
        framework=framework,
        grade=source if isinstance(source, Grade) else source.grade,
        role_profile=role_profile,
        scale=scale,
        created_by_id=actor.id,
        status=CampaignStatus.DRAFT,
    )
    _apply_details(campaign, details)
    db.session.add(campaign)
    proposals = propose_from_grade(source) if isinstance(source, Grade) else propose_from_role_profile(source)
    apply_proposals(campaign, proposals)
    campaign.panels = [Panel(stage="sift"), Panel(stage="interview")]
    db.session.flush()
    campaign.status_changes.append(StatusChange(from_status=None, to_status=CampaignStatus.DRAFT, by_id=actor.id))
    audit.record(
        "campaign.created",
        "campaign",
        campaign.id,
        after={
            **details_of(campaign),
            "reference": campaign.reference,
            "criteria": [c.code for c in campaign.criteria],
        },
        actor=actor,
    )
    return campaign


@unit_of_work()
def update_details(actor: User, campaign: Campaign, details: Details) -> None:
    require(campaign, "edit_details")
    before = details_of(campaign)
    _apply_details(campaign, details)
    if details_of(campaign) != before:
        audit.record(
            "campaign.details_changed", "campaign", campaign.id, before=before, after=details_of(campaign), actor=actor
        )


@unit_of_work()
def set_closing(actor: User, campaign: Campaign, closes_at: datetime) -> None:
    require(campaign, "change_closing")
    if closes_at <= utcnow():
        raise Refused("The closing date must be in the future", "closes_at")
    if campaign.status == CampaignStatus.OPEN and campaign.closes_at is not None and closes_at < campaign.closes_at:
        raise Refused("Once a campaign is open its closing date can be made later, not earlier", "closes_at")
    before = campaign.closes_at.isoformat() if campaign.closes_at else None
    campaign.closes_at = closes_at
    audit.record(
        "campaign.closing_changed",
        "campaign",
        campaign.id,
        before={"closes_at": before},
        after={"closes_at": closes_at.isoformat()},
        actor=actor,
    )


def settings_of(campaign: Campaign) -> dict[str, Any]:
    return {
        "scale": campaign.scale.slug,
        "discrepancy_threshold": campaign.discrepancy_threshold,
        "overall_pass_mark": campaign.overall_pass_mark,
        "presift_threshold": campaign.presift_threshold,
        "merit_basis": campaign.merit_basis,
        "reserve_months": campaign.reserve_months,
        "calibration_required": campaign.calibration_required,
        "disability_confident": campaign.disability_confident,
        "disability_confident_minimum": campaign.disability_confident_minimum,
    }


@unit_of_work()
def update_settings(
    actor: User,
    campaign: Campaign,
    *,
    scale: ScoringScale,
    discrepancy_threshold: int,
    overall_pass_mark: int | None,
    presift_threshold: int | None,
    merit_basis: str | None = None,
    reserve_months: int | None = None,
    calibration_required: bool | None = None,
    disability_confident: bool | None = None,
    disability_confident_minimum: int | EllipsisType | None = ...,
) -> None:
    guarantee = campaign.disability_confident if disability_confident is None else disability_confident
    if guarantee != campaign.disability_confident:
        require(campaign, "change_disability_confident")
    minimum = (
        campaign.disability_confident_minimum
        if isinstance(disability_confident_minimum, EllipsisType)
        else disability_confident_minimum
    )
    if minimum != campaign.disability_confident_minimum:
        require(campaign, "change_scoring_rules")
    calibration_required = campaign.calibration_required if calibration_required is None else calibration_required
    if calibration_required != campaign.calibration_required:
        require(campaign, "change_scoring_rules")
    merit_basis = campaign.merit_basis if merit_basis is None else merit_basis
    reserve_months = campaign.reserve_months if reserve_months is None else reserve_months
    if (merit_basis, reserve_months) != (campaign.merit_basis, campaign.reserve_months):
        require(campaign, "change_interview_criteria")
    if scale.id != campaign.scale_id:
        require(campaign, "change_scale")
    if (discrepancy_threshold, overall_pass_mark, presift_threshold) != (
        campaign.discrepancy_threshold,
        campaign.overall_pass_mark,
        campaign.presift_threshold,
    ):
        require(campaign, "change_scoring_rules")
    values = {point.value for point in scale.points}
    if minimum is not None and minimum not in values:
        raise Refused(
            f"The Disability Confident minimum must be a score on the scale, from {min(values)} to {max(values)}",
            "disability_confident_minimum",
        )
    if discrepancy_threshold > max(values) - min(values):
        raise Refused(
            f"The discrepancy threshold must be no more than {max(values) - min(values)} on this scale",
            "discrepancy_threshold",
        )
    if scale.id != campaign.scale_id:
        off_scale = [c.name for c in campaign.criteria if c.pass_mark not in values]
        if off_scale:
            raise Refused(
                f"Change the pass marks first: {', '.join(off_scale)} would have a pass mark that is not on this scale",
                "scale",
            )
    before = settings_of(campaign)
    campaign.scale = scale
    campaign.discrepancy_threshold = discrepancy_threshold
    campaign.overall_pass_mark = overall_pass_mark
    campaign.presift_threshold = presift_threshold
    campaign.merit_basis = merit_basis
    campaign.reserve_months = reserve_months
    campaign.calibration_required = calibration_required
    campaign.disability_confident, campaign.disability_confident_minimum = guarantee, minimum
    if settings_of(campaign) != before:
        audit.record(
            "campaign.settings_changed",
            "campaign",
            campaign.id,
            before=before,
            after=settings_of(campaign),
            actor=actor,
        )


@unit_of_work()
def set_panel(actor: User, campaign: Campaign, stage: str, chair: User, members: list[User]) -> None:
    """Make the stage's panel exactly this chair and these members (all assessor accounts)."""
    require(campaign, "change_panel", stage=stage)
    people = {member.id: member for member in members}
    people.pop(chair.id, None)
    for person in [chair, *people.values()]:
        if person.role != "assessor" or not person.active:
            raise Refused(f"{person.name} is not an active assessor", "members")
    if not people:
        raise Refused("Select at least one panel member as well as the chair", "members")
    applied = applicants_among(campaign, [chair.id, *people])
    for person in [chair, *people.values()]:
        if person.id in applied:
            raise Refused(
                f"{person.name} applied to this campaign, so cannot sit on its panel",
                "chair" if person is chair else "members",
            )
    panel = campaign.panel(stage)
    if panel is None:
        raise ValueError(f"campaign {campaign.id} has no {stage} panel")
    before = _panel_snapshot(panel)
    already = {member.user_id for member in panel.members}
    panel.members.clear()
    db.session.flush()
    panel.members.append(PanelMember(user=chair, is_chair=True))
    for person in people.values():
        panel.members.append(PanelMember(user=person, is_chair=False))
    audit.record(
        "panel.changed",
        "campaign",
        campaign.id,
        before={"stage": stage, **before},
        after={"stage": stage, **_panel_snapshot(panel)},
        actor=actor,
    )
    added = [person for person in [chair, *people.values()] if person.id not in already]
    if added:
        from recruit.services.notifications import messages

        # Named by this change of the panel, so that someone removed and added again is told again.
        messages.added_to_panel(campaign, stage, added, utcnow().strftime("%Y%m%dT%H%M%S%f"))


def _panel_snapshot(panel: Panel) -> dict[str, Any]:
    return {
        "chair": panel.chair.email if panel.chair else None,
        "members": sorted(member.user.email for member in panel.members if not member.is_chair),
    }


def assessors() -> list[User]:
    return list(
        db.session.scalars(select(User).where(User.role == "assessor", User.active.is_(True)).order_by(User.name))
    )
