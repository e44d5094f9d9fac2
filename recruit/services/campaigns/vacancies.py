"""The public side of campaigns: which vacancies anyone can see, and whether they take applications."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Campaign, Competency, Criterion, Indicator, ScoringScale
from recruit.models.campaign import CampaignStatus

# Drafts are not published yet and withdrawn vacancies are taken down.
PUBLIC_STATUSES = (
    CampaignStatus.OPEN,
    CampaignStatus.CLOSED,
    CampaignStatus.SIFT,
    CampaignStatus.INTERVIEW,
    CampaignStatus.COMPLETE,
)


def open_vacancies() -> list[Campaign]:
    return list(
        db.session.scalars(
            select(Campaign)
            .where(Campaign.status == CampaignStatus.OPEN, Campaign.closes_at > utcnow())
            .order_by(Campaign.closes_at, Campaign.id)
            .options(selectinload(Campaign.grade), selectinload(Campaign.role_profile))
        )
    )


def public_vacancy(reference: str) -> Campaign | None:
    return db.session.scalar(
        select(Campaign)
        .where(Campaign.reference == reference, Campaign.status.in_(PUBLIC_STATUSES))
        .options(
            selectinload(Campaign.criteria)
            .selectinload(Criterion.competency)
            .selectinload(Competency.indicators)
            .selectinload(Indicator.level),
            selectinload(Campaign.criteria).selectinload(Criterion.level),
            selectinload(Campaign.scale).selectinload(ScoringScale.points),
        )
    )


def accepting_applications(campaign: Campaign) -> bool:
    return campaign.status == CampaignStatus.OPEN and campaign.closes_at is not None and campaign.closes_at > utcnow()
