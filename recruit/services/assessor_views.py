"""Read-side helpers for assessors: the panels they sit on, their progress, their shuffled work lists.

Each function runs a fixed number of queries, whatever the number of applications.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from recruit.extensions import db
from recruit.models import Application, Campaign, Conflict, Panel, PanelMember, Score, User
from recruit.services.stages import assessor_order, eligible_query, listing_query, stage_criteria
from recruit.services.campaigns import load_campaign


@dataclass
class Progress:
    campaign: Campaign
    stage: str
    is_chair: bool
    total: int
    drafts: int
    submitted: int

    @property
    def remaining(self) -> int:
        return max(self.total - self.submitted, 0)


def stage_for_assessor(user: User, campaign_id: int, stage: str) -> Campaign | None:
    """Object access for scoring: only the stage's panel members reach it."""
    if stage not in ("sift", "interview") or user.role != "assessor":
        return None
    campaign = load_campaign(campaign_id)
    if campaign is None or campaign.panel(stage) is None:
        return None
    if not any(member.user_id == user.id for member in campaign.panel(stage).members):
        return None
    return campaign


def dashboard(user: User) -> list[Progress]:
    memberships = db.session.execute(
        select(PanelMember, Panel).join(Panel).where(PanelMember.user_id == user.id)
        .options(selectinload(PanelMember.panel).selectinload(Panel.campaign))
    ).all()
    rows = []
    for member, panel in memberships:
        campaign = panel.campaign
        if campaign.status in ("draft", "withdrawn"):
            continue
        eligible = eligible_query(campaign, panel.stage).with_only_columns(Application.id).scalar_subquery()
        applications = db.session.scalar(
            select(func.count()).select_from(eligible_query(campaign, panel.stage).subquery()))
        conflicts = db.session.scalar(select(func.count(Conflict.id)).where(
            Conflict.assessor_id == user.id, Conflict.stage == panel.stage, Conflict.has_conflict.is_(True),
            Conflict.application_id.in_(eligible)))
        counts = dict(db.session.execute(
            select(Score.status, func.count(Score.id)).where(
                Score.assessor_id == user.id, Score.stage == panel.stage, Score.application_id.in_(eligible))
            .group_by(Score.status)).all())
        criteria = len(stage_criteria(campaign, panel.stage))
        rows.append(Progress(campaign, panel.stage, member.is_chair, (applications - conflicts) * criteria,
                             counts.get("draft", 0), counts.get("submitted", 0)))
    return rows


def work_list(user: User, campaign: Campaign, stage: str, page: int, per_page: int = 50, *,
              with_names: bool = False):
    query = (listing_query(campaign, stage, with_names)
             .order_by(assessor_order(user), Application.id))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def own_scores(user: User, stage: str, applications: list[Application]) -> dict[tuple[int, int], Score]:
    ids = [a.id for a in applications]
    if not ids:
        return {}
    return {(s.application_id, s.criterion_id): s for s in db.session.scalars(select(Score).where(
        Score.assessor_id == user.id, Score.stage == stage, Score.application_id.in_(ids)))}


def own_conflicts(user: User, stage: str, applications: list[Application]) -> dict[int, Conflict]:
    ids = [a.id for a in applications]
    if not ids:
        return {}
    return {c.application_id: c for c in db.session.scalars(select(Conflict).where(
        Conflict.assessor_id == user.id, Conflict.stage == stage, Conflict.application_id.in_(ids)))}


def application_in_stage(campaign: Campaign, stage: str, reference: str) -> Application | None:
    if len(reference) > 20:
        return None
    # The statements come joined, in the same query; a statement's criterion is one of the campaign's, already
    # loaded with it.
    return db.session.scalars(
        eligible_query(campaign, stage).where(Application.reference == reference.upper())
        .options(joinedload(Application.statements))
    ).unique().one_or_none()
