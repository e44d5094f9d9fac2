"""What the chair's moderation board and the results read: every item's scores and state, loaded in a
fixed number of queries however many applications there are."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from recruit.extensions import db
from recruit.models import AgreedScore, Application, Campaign, Conflict, Criterion, Score
from recruit.services.moderation import ItemState
from recruit.services.stages import assessor_ids, stage_criteria


@dataclass
class Item:
    application: Application
    criterion: Criterion
    state: ItemState
    scores: list[Score] = field(default_factory=list)       # submitted, non-conflicted
    excluded: list[Score] = field(default_factory=list)     # by conflicted assessors
    conflicted: list[int] = field(default_factory=list)     # assessor ids
    agreed: AgreedScore | None = None


def load_items(campaign: Campaign, stage: str, applications: list[Application],
               criteria: list[Criterion] | None = None) -> list[Item]:
    criteria = criteria if criteria is not None else stage_criteria(campaign, stage)
    ids = [a.id for a in applications]
    panel = set(assessor_ids(campaign, stage))
    scores = db.session.scalars(select(Score).where(Score.application_id.in_(ids), Score.stage == stage,
                                                    Score.status == "submitted")).all() if ids else []
    conflicts = db.session.scalars(select(Conflict).where(Conflict.application_id.in_(ids), Conflict.stage == stage,
                                                          Conflict.has_conflict.is_(True))).all() if ids else []
    agreed = db.session.scalars(select(AgreedScore).where(AgreedScore.application_id.in_(ids),
                                                          AgreedScore.stage == stage)).all() if ids else []
    by_item: dict[tuple[int, int], list[Score]] = defaultdict(list)
    for score in scores:
        by_item[(score.application_id, score.criterion_id)].append(score)
    conflicted: dict[int, set[int]] = defaultdict(set)
    for conflict in conflicts:
        conflicted[conflict.application_id].add(conflict.assessor_id)
    agreed_by_item = {(a.application_id, a.criterion_id): a for a in agreed}
    items = []
    for application in applications:
        excluded_people = conflicted[application.id]
        for criterion in criteria:
            all_scores = by_item[(application.id, criterion.id)]
            counted = [s for s in all_scores if s.assessor_id in panel and s.assessor_id not in excluded_people]
            agreed_score = agreed_by_item.get((application.id, criterion.id))
            state = ItemState(
                scores=tuple(s.value for s in counted),
                expected=len(panel - excluded_people),
                agreed=agreed_score.value if agreed_score is not None and agreed_score.status == "agreed" else None,
                threshold=campaign.discrepancy_threshold,
                pass_mark=criterion.pass_mark,
            )
            items.append(Item(application, criterion, state, sorted(counted, key=lambda s: s.assessor_id),
                              [s for s in all_scores if s.assessor_id in excluded_people],
                              sorted(excluded_people), agreed_score))
    return items


FILTERS = ("all", "discrepant", "awaiting", "agreed")


def matches(item: Item, view: str) -> bool:
    if view == "discrepant":
        return item.state.discrepant and item.state.status == "ready"
    if view == "awaiting":
        return item.state.status in ("awaiting scores", "no assessors")
    if view == "agreed":
        return item.state.status == "agreed"
    return True
