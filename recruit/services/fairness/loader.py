"""The counts behind the fairness figures, from the database: live monitoring answers grouped by how far each
application got, plus the counts kept for campaigns whose answers were erased. A few grouped queries, whatever the
number of applications."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import func, select

from recruit.clock import uk_to_utc
from recruit.extensions import db
from recruit.models import Application, Campaign, MonitoringCount, MonitoringResponse
from recruit.models.application import ApplicationStatus
from recruit.monitoring_questions import NOT_ANSWERED, QUESTION_KEYS
from recruit.services.fairness.adverse_impact import CampaignCounts, Characteristic, build
from recruit.services.fairness.stages import CampaignStages, campaign_stages, furthest, stage_columns


def counts(campaigns: Iterable[Campaign]) -> tuple[dict[int, CampaignCounts], dict[int, frozenset[str]]]:
    """Per campaign: (question, answer) -> furthest stage -> how many; and the stages each campaign reached."""
    campaigns = list(campaigns)
    ids = [c.id for c in campaigns]
    stages = campaign_stages(campaigns)
    out = live_counts(stages)
    _add_kept(out, ids)
    return out, {c: s.reached for c, s in stages.items()}


def live_counts(stages: dict[int, CampaignStages]) -> dict[int, CampaignCounts]:
    """The counts from the monitoring answers still held (those of campaigns not yet erased)."""
    ids = list(stages)
    out: dict[int, CampaignCounts] = {}
    if not ids:
        return out
    answers = [getattr(MonitoringResponse, key).label(key) for key in QUESTION_KEYS]
    inner = (
        select(Application.campaign_id, *stage_columns(stages), *answers)
        .join(MonitoringResponse, MonitoringResponse.application_id == Application.id)
        .where(Application.campaign_id.in_(ids), Application.status != ApplicationStatus.DRAFT)
        .subquery()
    )
    grouped = list(inner.c)
    for row in db.session.execute(select(*grouped, func.count()).group_by(*grouped)):
        campaign_id, status, left, slot, offer, appointable, *given, number = row
        stage = furthest(stages[campaign_id].reached, status, left, slot, offer, appointable)
        if not stage:
            continue
        per = out.setdefault(campaign_id, {})
        for key, answer in zip(QUESTION_KEYS, given, strict=True):
            at = per.setdefault((key, answer or NOT_ANSWERED), {})
            at[stage] = at.get(stage, 0) + number
    return out


def _add_kept(out: dict[int, CampaignCounts], ids: list[int]) -> None:
    for kept in db.session.execute(
        select(
            MonitoringCount.campaign_id,
            MonitoringCount.question,
            MonitoringCount.answer,
            MonitoringCount.stage,
            MonitoringCount.count,
        ).where(MonitoringCount.campaign_id.in_(ids))
    ):
        campaign_id, question, answer, stage, number = kept
        at = out.setdefault(campaign_id, {}).setdefault((question, answer), {})
        at[stage] = at.get(stage, 0) + number


def campaign_figures(campaign: Campaign, tested: set[str] | None = None) -> list[Characteristic]:
    return build(*counts([campaign]), tested)


def campaigns_closing(start: date, end: date) -> list[Campaign]:
    """Campaigns whose closing date (UK time) falls from `start` to `end`, both included."""
    since, until = uk_to_utc(start, 0, 0), uk_to_utc(end + timedelta(days=1), 0, 0)
    return list(
        db.session.scalars(
            select(Campaign)
            .where(Campaign.closes_at >= since, Campaign.closes_at < until)
            .order_by(Campaign.closes_at, Campaign.id)
        )
    )


def range_figures(
    start: date, end: date, tested: set[str] | None = None
) -> tuple[list[Campaign], list[Characteristic]]:
    campaigns = campaigns_closing(start, end)
    return campaigns, build(*counts(campaigns), tested)
