"""Read-side helpers for campaigns: object access, lists and choices for the admin pages."""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Campaign, Framework, Grade, RoleProfile, User
from recruit.models.campaign import CampaignStatus
from recruit.services.campaigns.kept_setup import load_campaign


def campaign_for_admin(actor: User, campaign_id: int) -> Campaign | None:
    """Object access for campaign set-up: every admin manages every campaign; nobody else any."""
    if actor.role != "admin":
        return None
    return load_campaign(campaign_id)


def campaign_list(status: str | None) -> list[Campaign]:
    """The campaigns, newest first; with a status, those showing it (Campaign.display_status): an open campaign
    whose closing time has passed is listed with the closed ones, as it reads."""
    query = select(Campaign).options(selectinload(Campaign.grade), selectinload(Campaign.role_profile))
    past_closing = and_(Campaign.status == CampaignStatus.OPEN, Campaign.closes_at <= utcnow())
    if status == CampaignStatus.OPEN:
        query = query.where(Campaign.status == status, or_(Campaign.closes_at.is_(None), Campaign.closes_at > utcnow()))
    elif status == CampaignStatus.CLOSED:
        query = query.where(or_(Campaign.status == status, past_closing))
    elif status:
        query = query.where(Campaign.status == status)
    return list(db.session.scalars(query.order_by(Campaign.created_at.desc(), Campaign.id.desc())))


def source_choices() -> list[tuple[str, str]]:
    grades = db.session.scalars(
        select(Grade).join(Framework).order_by(Framework.name, Grade.position).options(selectinload(Grade.framework))
    )
    profiles = db.session.scalars(select(RoleProfile).order_by(RoleProfile.organisation, RoleProfile.title))
    return [(f"grade:{g.id}", f"Grade: {g.framework.name} – {g.name}") for g in grades] + [
        (f"role:{p.id}", f"Role profile: {p.organisation} – {p.title}" + (f" ({p.grade_name})" if p.grade_name else ""))
        for p in profiles
    ]
