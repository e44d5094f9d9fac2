"""Who takes part in a campaign's stage, and which applications and criteria it scores.

The sift and the interview run on the same engine; everything here takes the stage as data.
"""
from __future__ import annotations

from sqlalchemy import BigInteger, Select, cast, literal, select
from sqlalchemy.orm import selectinload

from recruit.extensions import db
from recruit.models import Application, Campaign, Criterion, PanelMember, StageRecord, User

# The sift decision marks applications sift_passed or sift_failed; they stay in the sift (its board, results,
# a changed decision and the sign-off) as well as going on to interview.
# Absence from the interview (did_not_attend, interview_withdrawn) leaves the sift record as it was.
ELIGIBLE = {"sift": ("submitted", "sift_passed", "sift_failed", "did_not_attend", "interview_withdrawn"),
            "interview": ("sift_passed",)}


def stage_record(campaign: Campaign, stage: str) -> StageRecord:
    record = db.session.scalar(select(StageRecord).where(StageRecord.campaign_id == campaign.id,
                                                         StageRecord.stage == stage))
    if record is None:
        record = StageRecord(campaign=campaign, stage=stage)
        db.session.add(record)
        db.session.flush()
    return record


def membership(campaign: Campaign, stage: str, user: User) -> PanelMember | None:
    panel = campaign.panel(stage)
    if panel is None:
        return None
    return next((member for member in panel.members if member.user_id == user.id), None)


def is_chair(campaign: Campaign, stage: str, user: User) -> bool:
    member = membership(campaign, stage, user)
    return member is not None and member.is_chair


def assessor_ids(campaign: Campaign, stage: str) -> list[int]:
    panel = campaign.panel(stage)
    return [member.user_id for member in panel.members] if panel else []


def scoring_open(campaign: Campaign, stage: str) -> bool:
    if campaign.status != stage:
        return False
    record = db.session.scalar(select(StageRecord).where(StageRecord.campaign_id == campaign.id,
                                                         StageRecord.stage == stage))
    return record is None or record.signed_off_at is None


def presift_active(campaign: Campaign, stage: str) -> bool:
    if stage != "sift":
        return False
    record = db.session.scalar(select(StageRecord).where(StageRecord.campaign_id == campaign.id,
                                                         StageRecord.stage == "sift"))
    return record is not None and record.presift_active


def stage_criteria(campaign: Campaign, stage: str) -> list[Criterion]:
    """The criteria scored now: only the lead criterion during a pre-sift."""
    if presift_active(campaign, stage) and campaign.lead_criterion is not None:
        return [campaign.lead_criterion]
    return campaign.criteria_at(stage)


def eligible_query(campaign: Campaign, stage: str) -> Select:
    return select(Application).where(Application.campaign_id == campaign.id,
                                     Application.status.in_(ELIGIBLE[stage]))


def listing_query(campaign: Campaign, stage: str, with_names: bool = False) -> Select:
    """The stage's applications for a list page. Where the page shows names (services/visibility.shows_names),
    they come with the page in one query rather than one per row; elsewhere they are not loaded at all."""
    query = eligible_query(campaign, stage)
    if with_names:
        query = query.options(selectinload(Application.personal_details))
    return query


def assessor_order(user: User):
    """A shuffled order of applications that stays the same for this assessor (a hash of id and assessor)."""
    seed = (user.id * 7919 + 104729) % 1_000_003
    # In 64-bit arithmetic: PostgreSQL would take these constants as 32-bit integers and overflow.
    big = [literal(value, BigInteger) for value in (2_654_435_761, seed, 4_294_967_311)]
    return (cast(Application.id, BigInteger) * big[0] + big[1]) % big[2]
