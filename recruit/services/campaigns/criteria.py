"""Proposing and editing a campaign's criteria.

A grade proposes every competency it requires, at its level; a role profile proposes
the competencies its objective areas draw on, at the profile's level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from recruit.extensions import db
from recruit.models import Campaign, Competency, Criterion, FrameworkLevel, Grade, RoleProfile, User
from recruit.services.campaigns.rules import refusal, require
from recruit.services.errors import Refused
from recruit.services.records import audit
from recruit.services.unit_of_work import unit_of_work


@dataclass(frozen=True)
class Proposal:
    competency: Competency
    level: FrameworkLevel


def propose_from_grade(grade: Grade) -> list[Proposal]:
    return [Proposal(requirement.competency, requirement.level) for requirement in grade.required()]


def propose_from_role_profile(profile: RoleProfile) -> list[Proposal]:
    return [Proposal(competency, profile.level) for competency in profile.competencies()]


def expected_level(campaign: Campaign, competency: Competency) -> FrameworkLevel | None:
    """The level the campaign's grade (or role profile) asks of a competency, if it asks one."""
    if campaign.grade is not None:
        level = campaign.grade.required_level(competency)
        if level is not None:
            return level
    if campaign.role_profile is not None:
        return campaign.role_profile.level
    return None


def level_warning(criterion: Criterion) -> str | None:
    if criterion.competency is None or criterion.level is None:
        return None
    expected = expected_level(criterion.campaign, criterion.competency)
    if expected is not None and expected.id != criterion.level_id:
        source = criterion.campaign.grade_label or "the role profile"
        return f"{source} needs {criterion.competency.name} at {expected.name}, not {criterion.level.name}"
    return None


def _code_for(campaign: Campaign, base: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-")[:80] or "criterion"
    taken = {criterion.code for criterion in campaign.criteria}
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    return code


def apply_proposals(campaign: Campaign, proposals: list[Proposal]) -> None:
    for proposal in proposals:
        campaign.criteria.append(
            Criterion(
                position=len(campaign.criteria),
                code=_code_for(campaign, proposal.competency.slug),
                competency=proposal.competency,
                level=proposal.level,
                pass_mark=default_pass_mark(campaign),
            )
        )


def default_pass_mark(campaign: Campaign) -> int:
    """4 on the 1–7 scale; the middle point on any other."""
    points = [point.value for point in campaign.scale.points]
    if 4 in points and points[-1] == 7:
        return 4
    return points[len(points) // 2]


def _snapshot(criterion: Criterion) -> dict[str, Any]:
    return {
        "code": criterion.code,
        "name": criterion.name,
        "description": criterion.description,
        "level": criterion.level.number if criterion.level else None,
        "stages": criterion.stages,
        "weight": criterion.weight,
        "pass_mark": criterion.pass_mark,
        "word_limit": criterion.word_limit,
        "lead": criterion.is_lead,
        "position": criterion.position,
    }


@unit_of_work()
def add_competency(
    actor: User, campaign: Campaign, competency: Competency, level: FrameworkLevel, at_sift: bool, at_interview: bool
) -> Criterion:
    require(campaign, "add_criterion", at_sift=at_sift)
    if competency.framework_id != campaign.framework_id:
        raise Refused("Select a competency from this campaign's framework", "competency")
    if any(criterion.competency_id == competency.id for criterion in campaign.criteria):
        raise Refused(f"{competency.name} is already a criterion", "competency")
    return _add(
        actor,
        campaign,
        Criterion(
            code=_code_for(campaign, competency.slug),
            competency=competency,
            level=level,
            at_sift=at_sift,
            at_interview=at_interview,
        ),
    )


@unit_of_work()
def add_own_criterion(
    actor: User, campaign: Campaign, title: str, description: str, at_sift: bool, at_interview: bool
) -> Criterion:
    require(campaign, "add_criterion", at_sift=at_sift)
    return _add(
        actor,
        campaign,
        Criterion(
            code=_code_for(campaign, title),
            title=title.strip(),
            description=description.strip(),
            at_sift=at_sift,
            at_interview=at_interview,
        ),
    )


def _add(actor: User, campaign: Campaign, criterion: Criterion) -> Criterion:
    _check_stages(criterion)
    criterion.position = len(campaign.criteria)
    criterion.pass_mark = default_pass_mark(campaign)
    campaign.criteria.append(criterion)
    db.session.flush()
    audit.record("criterion.added", "campaign", campaign.id, after=_snapshot(criterion), actor=actor)
    return criterion


def _check_stages(criterion: Criterion) -> None:
    if not (criterion.at_sift or criterion.at_interview):
        raise Refused("Select at least one stage", "stages")


@unit_of_work()
def update_criterion(
    actor: User,
    criterion: Criterion,
    *,
    level: FrameworkLevel | None,
    at_sift: bool,
    at_interview: bool,
    weight: int,
    pass_mark: int,
    word_limit: int,
    is_lead: bool,
    title: str | None = None,
    description: str | None = None,
) -> None:
    """Change a criterion. A framework competency's level comes from its framework; a criterion of the campaign's
    own has no level, and its title and description change here too (None leaves them as they are)."""
    campaign = criterion.campaign
    own = criterion.competency is None
    title = None if title is None or not own else title.strip()
    description = None if description is None or not own else description.strip()
    # Check everything before changing anything.
    if title is not None:
        if not title:
            raise Refused("Enter a title for the criterion", "title")
        if len(title) > 200:
            raise Refused("Title must be 200 characters or fewer", "title")
    if description is not None:
        if not description:
            raise Refused("Enter what candidates must show", "description")
        if len(description) > 5000:
            raise Refused("Description must be 5000 characters or fewer", "description")
    changes_shape = (
        (not own and level is not None and level.id != criterion.level_id)
        or (title is not None and title != criterion.title)
        or (description is not None and description != criterion.description)
        or at_sift != criterion.at_sift
        or word_limit != criterion.word_limit
        or is_lead != criterion.is_lead
    )
    if changes_shape:
        require(campaign, "reshape_criterion", criterion=criterion, at_sift=at_sift)
    if at_interview != criterion.at_interview:
        require(campaign, "change_interview_criteria")
    if weight != criterion.weight or pass_mark != criterion.pass_mark:
        require(campaign, "change_scoring_rules", criterion=criterion)
    if not (at_sift or at_interview):
        raise Refused("Select at least one stage", "stages")
    if is_lead and not at_sift:
        raise Refused("The lead criterion must be assessed at the sift", "is_lead")
    if pass_mark not in {point.value for point in campaign.scale.points}:
        raise Refused(f"Pass mark must be a point on the {campaign.scale.name}", "pass_mark")
    if not own and level is not None and level.framework_id != campaign.framework_id:
        raise Refused("Select a level of this campaign's framework", "level")

    before = _snapshot(criterion)
    if is_lead and not criterion.is_lead:
        for other in campaign.criteria:
            other.is_lead = False
        db.session.flush()
    if not own and level is not None:
        criterion.level = level
    if title is not None:
        criterion.title = title
    if description is not None:
        criterion.description = description
    criterion.at_sift = at_sift
    criterion.at_interview = at_interview
    criterion.weight = weight
    criterion.pass_mark = pass_mark
    criterion.word_limit = word_limit
    criterion.is_lead = is_lead
    after = _snapshot(criterion)
    if after != before:
        audit.record("criterion.changed", "campaign", campaign.id, before=before, after=after, actor=actor)


def removal_refusal(criterion: Criterion) -> str | None:
    """Why the criterion cannot be removed now, or None when it can."""
    return refusal(criterion.campaign, "remove_criterion", criterion=criterion)


def removal_warnings(criterion: Criterion) -> list[str]:
    """What removing the criterion changes besides the criterion itself, for the page confirming it."""
    campaign = criterion.campaign
    warnings = []
    if criterion.is_lead:
        warnings.append(
            f"{criterion.name} is the lead criterion. Without a lead, ties in the ranking are broken by the "
            "criteria in their listed order; you can make another criterion the lead."
        )
        if campaign.presift_threshold is not None:
            warnings.append(
                f"The pre-sift (above {campaign.presift_threshold} applications) scores the lead criterion alone: "
                "there will be no pre-sift until another criterion is the lead."
            )
    for stage, name in (("sift", "the sift"), ("interview", "interview")):
        if campaign.criteria_at(stage) == [criterion]:
            warnings.append(
                f"It is the only criterion assessed at {name}: add another before "
                + ("the campaign can open." if stage == "sift" else "the interview stage can start.")
            )
    return warnings


@unit_of_work()
def remove_criterion(actor: User, criterion: Criterion) -> None:
    campaign = criterion.campaign
    require(campaign, "remove_criterion", criterion=criterion)
    before = _snapshot(criterion)
    campaign.criteria.remove(criterion)
    for position, other in enumerate(campaign.criteria):
        other.position = position
    audit.record("criterion.removed", "campaign", campaign.id, before=before, actor=actor)


@unit_of_work()
def move_criterion(actor: User, criterion: Criterion, offset: int) -> None:
    campaign = criterion.campaign
    require(campaign, "reorder_criteria")
    order = list(campaign.criteria)
    index = order.index(criterion)
    target = index + offset
    if not 0 <= target < len(order):
        return
    order[index], order[target] = order[target], order[index]
    for position, item in enumerate(order):
        item.position = position
    audit.record(
        "criterion.moved", "campaign", campaign.id, after={"order": [item.code for item in order]}, actor=actor
    )
