"""Read-side helpers for campaigns: object access, lists and choices for the admin pages."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from recruit.extensions import db
from recruit.models import Campaign, Framework, Grade, RoleProfile, User
from recruit.services.campaigns.setup import load_campaign


def campaign_for_admin(actor: User, campaign_id: int) -> Campaign | None:
    """Object access for campaign set-up: every admin manages every campaign; nobody else any."""
    if actor.role != "admin":
        return None
    return load_campaign(campaign_id)


def campaign_list(status: str | None) -> list[Campaign]:
    query = select(Campaign).options(selectinload(Campaign.grade), selectinload(Campaign.role_profile))
    if status:
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
