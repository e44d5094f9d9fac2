"""The candidates listed on a campaign's reports page, each with the reports about them: an interview report for
those interviewed, a feedback letter for everyone who took part in the sift (those who did not pass it too)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from recruit.extensions import db
from recruit.models import Application, Campaign, StageRecord, User
from recruit.services.assessment import visibility
from recruit.services.campaigns.stages import eligible_query, is_chair

PAGE_SIZE = 50


@dataclass(frozen=True)
class CandidateRow:
    reference: str
    name: str | None  # only where the person may see names and the candidate's stage is no longer name-blind
    interviewed: bool  # an interview report is about them
    letter: bool  # their feedback letter has something released in it


@dataclass(frozen=True)
class CandidateList:
    rows: list[CandidateRow]
    page: Pagination
    released: tuple[str, ...]  # the stages whose outcomes have been released
    names_hidden: bool  # some candidate on the list is shown by reference only, because of who is looking


def listing(user: User, campaign: Campaign, page: int) -> CandidateList:
    """One page of the candidates, by reference. Names follow the stages' blindness: a candidate still only at the
    sift is shown by reference until the sift is signed off; one at interview is named to whoever may see names."""
    may_see_names = visibility.names_visible(user, campaign)
    sift_over = visibility.signed_off(campaign, "sift")
    query = eligible_query(campaign, "sift").order_by(Application.reference)
    if may_see_names:
        query = query.options(selectinload(Application.personal_details))
    listed = db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)
    applications: list[Application] = list(listed.items)
    ids = [a.id for a in applications]
    interviewed = (
        set(
            db.session.scalars(
                eligible_query(campaign, "interview").with_only_columns(Application.id).where(Application.id.in_(ids))
            )
        )
        if ids
        else set()
    )
    released_now = set(
        db.session.scalars(
            select(StageRecord.stage).where(
                StageRecord.campaign_id == campaign.id, StageRecord.released_at.is_not(None)
            )
        )
    )
    released = tuple(stage for stage in ("sift", "interview") if stage in released_now)
    rows = []
    hidden = not may_see_names
    for application in applications:
        at_interview = application.id in interviewed
        details = application.personal_details if may_see_names and (at_interview or sift_over) else None
        hidden = hidden or not (at_interview or sift_over)
        rows.append(
            CandidateRow(
                reference=application.reference,
                name=details.full_name if details is not None else None,
                interviewed=at_interview,
                letter="sift" in released or ("interview" in released and at_interview),
            )
        )
    return CandidateList(rows=rows, page=listed, released=released, names_hidden=hidden)


def board_stage(user: User, campaign: Campaign) -> str | None:
    """The stage whose moderation board a chair came to the reports from: the campaign's current stage if they
    chair it, else the later stage they chair. None for anyone who chairs neither."""
    stages = [stage for stage in ("interview", "sift") if is_chair(campaign, stage, user)]
    if campaign.status in stages:
        return str(campaign.status)
    return stages[0] if stages else None
