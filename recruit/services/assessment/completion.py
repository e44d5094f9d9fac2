"""When an assessor's submission completes a stage's scores: the chair is told, once, that moderation can start."""

from __future__ import annotations

from functools import cache

from sqlalchemy import Select, bindparam, exists, func, select

from recruit.extensions import db
from recruit.models import Application, Campaign, Conflict, Criterion, Score, User
from recruit.models.scoring import ScoreStatus
from recruit.services.campaigns.stages import ELIGIBLE, recorded_as, stage_criteria


def tell_chair_if_complete(user: User, campaign: Campaign, stage: str, criteria: list[Criterion] | None = None) -> None:
    """Once every expected score of the stage is in, the chair is told that moderation can start (once: the
    message's key names the campaign and stage, and the pre-sift apart from the sift after it).

    Cheap on most submissions: the whole stage is looked at only when this person has just finished their own
    part of it (and the chair has not been told already). `criteria` are the stage's criteria scored now
    (stage_criteria), when the caller has them already."""
    from recruit.services.assessment import progress
    from recruit.services.campaigns.stages import presift_active
    from recruit.services.notifications import messages

    # Whether this person has anything left first: on most submissions they have, and nothing else is read.
    if _own_part_left(user, campaign, stage, criteria if criteria is not None else stage_criteria(campaign, stage)):
        return
    presift = presift_active(campaign, stage)
    if messages.scores_complete_told(campaign, stage, presift=presift):
        return
    counts = progress.load(campaign, stage).counts
    if sum(counts.values()) and counts[progress.AWAITING] == 0:
        messages.scores_complete(campaign, stage, presift=presift)


def _own_part_left(user: User, campaign: Campaign, stage: str, scored_now: list[Criterion]) -> bool:
    """This person still has an item of the stage to submit: an application the stage scores, without a conflict
    they declared with its candidate, with one of these criteria they have not submitted a score on.

    One query that stops at the first such application, so it is quick while much is left (most submissions) and
    reads the whole stage only as they finish it, rather than counting their scores on every submission (a 10,000-
    application sift of 6 criteria has 60,000 of them each)."""
    criteria = sorted({criterion.id for criterion in scored_now})
    if not criteria:
        return False
    parameters = {"campaign_id": campaign.id, "criteria": criteria, "assessor_id": user.id, "expected": len(criteria)}
    return bool(db.session.scalar(_part_left_query(stage), parameters))


@cache
def _part_left_query(stage: str) -> Select[tuple[bool]]:
    # Built once for each stage: every submission runs it.
    # Each application's submitted scores are counted by a lookup of their own (the scores' unique index), in the
    # order the campaign's applications come: an anti-join instead lets PostgreSQL plan a merge over the person's
    # scores in application order, which walks every earlier campaign's applications and a whole index before the
    # first row (some 50 ms on each submission to a 10,000-application sift).
    submitted = (
        select(func.count())
        .where(
            Score.application_id == Application.id,
            Score.criterion_id.in_(bindparam("criteria", expanding=True)),
            Score.assessor_id == bindparam("assessor_id"),
            Score.stage == stage,
            Score.status == ScoreStatus.SUBMITTED,
        )
        .scalar_subquery()
    )
    unsubmitted = select(Application.id).where(
        Application.campaign_id == bindparam("campaign_id"),
        recorded_as(stage, ELIGIBLE[stage]),
        ~exists().where(
            Conflict.application_id == Application.id,
            Conflict.assessor_id == bindparam("assessor_id"),
            Conflict.stage == stage,
            Conflict.has_conflict.is_(True),
        ),
        submitted < bindparam("expected"),
    )
    return select(unsubmitted.exists())
