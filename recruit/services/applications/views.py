"""Read-side helpers for the admin's view of a campaign's applications."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from recruit.extensions import db
from recruit.models import Application, Campaign, PersonalDetails, Statement, User

PAGE_SIZE = 50


def counts_by_status(campaign: Campaign) -> dict[str, int]:
    rows = db.session.execute(
        select(Application.status, func.count(Application.id))
        .where(Application.campaign_id == campaign.id)
        .group_by(Application.status)
    )
    return dict(rows.tuples().all())


def search(campaign: Campaign, text: str | None, status: str | None) -> Select[tuple[Application]]:
    query = (
        select(Application)
        .where(Application.campaign_id == campaign.id)
        .outerjoin(PersonalDetails, PersonalDetails.application_id == Application.id)
        .options(selectinload(Application.personal_details))
        .order_by(Application.reference)
    )
    if status:
        query = query.where(Application.status == status)
    # No name or reference holds a NUL character, and PostgreSQL cannot take one in a parameter.
    text = (text or "").replace("\x00", "").strip()
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                Application.reference == text.upper(),
                func.lower(PersonalDetails.full_name).like(pattern.lower(), escape="\\"),
            )
        )
    return query


def application_for_admin(actor: User, campaign: Campaign, reference: str) -> Application | None:
    """Object access for the admin view: admins see every application of the campaign, with names."""
    if actor.role != "admin" or len(reference) > 20:
        return None
    return db.session.scalar(
        select(Application)
        .where(Application.campaign_id == campaign.id, Application.reference == reference.upper())
        .options(
            selectinload(Application.personal_details),
            selectinload(Application.statements).selectinload(Statement.criterion),
        )
    )
