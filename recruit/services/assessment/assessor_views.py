"""Read-side helpers for assessors: the panels they sit on, their progress, their shuffled work lists.

Each function runs a fixed number of queries, whatever the number of applications.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from math import ceil

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from recruit.extensions import db
from recruit.labels import status_label
from recruit.models import Application, Campaign, Conflict, InterviewSlot, Panel, PanelMember, Score, User
from recruit.models.campaign import CampaignStatus
from recruit.models.scoring import ScoreStatus
from recruit.services.campaigns.setup import load_campaign
from recruit.services.campaigns.stages import assessor_order, eligible_query, listing_query, stage_criteria


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

    @property
    def campaign_elsewhere(self) -> str:
        """Where the campaign is, when that is not this stage (say it has closed, or moved on); else empty."""
        return "" if self.campaign.status == self.stage else status_label(self.campaign.status).lower()


def stage_for_assessor(user: User, campaign_id: int, stage: str) -> Campaign | None:
    """Object access for scoring: only the stage's panel members reach it."""
    if stage not in ("sift", "interview") or user.role != "assessor":
        return None
    campaign = load_campaign(campaign_id)
    panel = campaign.panel(stage) if campaign is not None else None
    if campaign is None or panel is None:
        return None
    if not any(member.user_id == user.id for member in panel.members):
        return None
    return campaign


def dashboard(user: User) -> list[Progress]:
    memberships = db.session.execute(
        select(PanelMember, Panel)
        .join(Panel)
        .where(PanelMember.user_id == user.id)
        .options(selectinload(PanelMember.panel).selectinload(Panel.campaign))
    ).all()
    rows = []
    for member, panel in memberships:
        campaign = panel.campaign
        if campaign.status in (CampaignStatus.DRAFT, CampaignStatus.WITHDRAWN):
            continue
        eligible = eligible_query(campaign, panel.stage).with_only_columns(Application.id).scalar_subquery()
        applications = (
            db.session.scalar(select(func.count()).select_from(eligible_query(campaign, panel.stage).subquery())) or 0
        )
        conflicts = (
            db.session.scalar(
                select(func.count(Conflict.id)).where(
                    Conflict.assessor_id == user.id,
                    Conflict.stage == panel.stage,
                    Conflict.has_conflict.is_(True),
                    Conflict.application_id.in_(eligible),
                )
            )
            or 0
        )
        counts = dict(
            db.session.execute(
                select(Score.status, func.count(Score.id))
                .where(Score.assessor_id == user.id, Score.stage == panel.stage, Score.application_id.in_(eligible))
                .group_by(Score.status)
            )
            .tuples()
            .all()
        )
        criteria = len(stage_criteria(campaign, panel.stage))
        rows.append(
            Progress(
                campaign,
                panel.stage,
                member.is_chair,
                (applications - conflicts) * criteria,
                counts.get(ScoreStatus.DRAFT, 0),
                counts.get(ScoreStatus.SUBMITTED, 0),
            )
        )
    return rows


@dataclass
class WorkPage:
    """One page of an assessor's work list, with what the pager needs. At interview, `starts` holds each listed
    application's interview time (absent when it has none yet)."""

    items: list[Application]
    page: int
    per_page: int
    total: int
    starts: dict[int, datetime] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return ceil(self.total / self.per_page) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


def work_list(
    user: User, campaign: Campaign, stage: str, page: int, per_page: int = 50, *, with_names: bool = False
) -> WorkPage:
    """The sift in the assessor's own shuffled order; the interview in the order of its timetable.

    Two queries at the sift (the stage's application ids, then the page's applications), whatever the number of
    applications; at interview the count, the page and, where names are shown, the names.
    """
    page = max(page, 1)
    if stage == "interview":
        return _timetabled(campaign, stage, page, per_page, with_names)
    ids = db.session.scalars(eligible_query(campaign, stage).with_only_columns(Application.id)).all()
    ordered = assessor_order(campaign.id, stage, user.id, ids)
    chosen = ordered[(page - 1) * per_page : page * per_page]
    loaded = (
        {
            application.id: application
            for application in db.session.scalars(
                listing_query(campaign, stage, with_names).where(Application.id.in_(chosen))
            )
        }
        if chosen
        else {}
    )
    return WorkPage([loaded[i] for i in chosen if i in loaded], page, per_page, len(ordered))


def _timetabled(campaign: Campaign, stage: str, page: int, per_page: int, with_names: bool) -> WorkPage:
    """By interview time; applications not yet timetabled last, by reference. The panel shares this order."""
    total = db.session.scalar(select(func.count()).select_from(eligible_query(campaign, stage).subquery())) or 0
    rows = db.session.execute(
        listing_query(campaign, stage, with_names)
        .add_columns(InterviewSlot.starts_at)
        .outerjoin(InterviewSlot, InterviewSlot.application_id == Application.id)
        .order_by(InterviewSlot.starts_at.is_(None), InterviewSlot.starts_at, Application.reference)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return WorkPage(
        [application for application, _ in rows],
        page,
        per_page,
        total,
        {application.id: starts for application, starts in rows if starts is not None},
    )


def own_scores(user: User, stage: str, applications: list[Application]) -> dict[tuple[int, int], Score]:
    ids = [a.id for a in applications]
    if not ids:
        return {}
    return {
        (s.application_id, s.criterion_id): s
        for s in db.session.scalars(
            select(Score).where(Score.assessor_id == user.id, Score.stage == stage, Score.application_id.in_(ids))
        )
    }


def own_conflicts(user: User, stage: str, applications: list[Application]) -> dict[int, Conflict]:
    ids = [a.id for a in applications]
    if not ids:
        return {}
    return {
        c.application_id: c
        for c in db.session.scalars(
            select(Conflict).where(
                Conflict.assessor_id == user.id, Conflict.stage == stage, Conflict.application_id.in_(ids)
            )
        )
    }


def application_in_stage(campaign: Campaign, stage: str, reference: str) -> Application | None:
    if len(reference) > 20:
        return None
    # The statements come joined, in the same query; a statement's criterion is one of the campaign's, already
    # loaded with it.
    return (
        db.session.scalars(
            eligible_query(campaign, stage)
            .where(Application.reference == reference.upper())
            .options(joinedload(Application.statements))
        )
        .unique()
        .one_or_none()
    )
