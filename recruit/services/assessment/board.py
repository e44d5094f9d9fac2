"""What the chair's moderation board and the results read: every item's scores and state, loaded in a
fixed number of queries however many applications there are.

The board reads only values, so it loads rows, not models: a sift of 5,000 applications × 6 criteria × 3
assessors has 90,000 scores. An item's scores and agreed score as models (for its own page, and for
writing) are loaded when first asked for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final, Literal, TypeVar

from sqlalchemy import CursorResult, ScalarSelect, Select, select
from sqlalchemy.orm import joinedload

from recruit.extensions import db
from recruit.models import AgreedScore, Application, Campaign, Conflict, Criterion, Score
from recruit.models.scoring import AgreedScoreStatus, ScoreStatus
from recruit.services.assessment.moderation_rules import ItemState
from recruit.services.campaigns.stages import assessor_ids, stage_criteria


class _Unread(Enum):
    """An item's scores or agreed score not read yet (its agreed score, once read, may be None)."""

    UNREAD = 0


_NOT_LOADED: Final = _Unread.UNREAD
_Row = TypeVar("_Row", bound=tuple[object, ...])


@dataclass(eq=False, slots=True)
class Item:
    application: Application
    criterion: Criterion
    stage: str
    values: tuple[int, ...]  # the counted scores' values, in the order of `assessors`
    assessors: tuple[int, ...]  # whose submitted scores count, by id
    expected: int  # how many assessors without a conflict should score
    agreed_value: int | None  # once agreed (not while reopened)
    threshold: int
    excluded: tuple[int, ...]  # conflicted assessors who had submitted a score, which does not count
    conflicted: tuple[int, ...]  # every assessor with a conflict declared for the application
    agreed_id: int | None = None
    _scores: list[Score] | Literal[_Unread.UNREAD] = _NOT_LOADED
    _agreed: AgreedScore | Literal[_Unread.UNREAD] | None = _NOT_LOADED

    @property
    def state(self) -> ItemState:
        # Built when asked for rather than held: one object fewer per item keeps a large board's heap small (the
        # garbage collector walks the whole heap each time the survivors grow by a quarter).
        return ItemState(
            scores=self.values,
            expected=self.expected,
            agreed=self.agreed_value,
            threshold=self.threshold,
            pass_mark=self.criterion.pass_mark,
        )

    @property
    def scores(self) -> list[Score]:
        """The counted scores as models, with their assessors (one item's page shows rationales and ticks)."""
        if self._scores is _NOT_LOADED:
            self._scores = (
                list(
                    db.session.scalars(
                        select(Score)
                        .where(
                            Score.application_id == self.application.id,
                            Score.criterion_id == self.criterion.id,
                            Score.stage == self.stage,
                            Score.status == ScoreStatus.SUBMITTED,
                            Score.assessor_id.in_(self.assessors),
                        )
                        .options(joinedload(Score.assessor))
                        .order_by(Score.assessor_id)
                    )
                )
                if self.assessors
                else []
            )
        return self._scores

    @property
    def agreed(self) -> AgreedScore | None:
        if self._agreed is _NOT_LOADED:
            agreed = db.session.get(AgreedScore, self.agreed_id) if self.agreed_id else None
            self._agreed = agreed
            return agreed
        return self._agreed


LONG_LIST = 500


def plain_rows(statement: Select[_Row], parameters: Mapping[str, Any] | None = None) -> CursorResult[_Row]:
    """Plain rows through the session's connection, without the ORM's row processing, each dropped once read:
    a large sift has 90,000 scores, and rows kept alive make the garbage collector walk the whole heap again
    and again."""
    db.session.flush()  # as the session's own execute would, so that pending changes are read back
    return db.session.connection().execute(statement, parameters)


# What a caller has already read for these applications (progress.load reads it for the whole stage): who declared a
# conflict, by application; and each agreed score's id, with its value while agreed, by (application, criterion).
Conflicts = Mapping[int, Collection[int]]
AgreedRows = Mapping[tuple[int, int], tuple[int, int | None]]


def agreed_by_item(stage: str, ids: list[int] | ScalarSelect[int]) -> dict[tuple[int, int], tuple[int, int | None]]:
    """The agreed score row of each (application, criterion) of these applications (ids, or a subquery of them) at
    the stage: its id, and its value while it stands agreed (None once reopened)."""
    return read_agreed(agreed_statement(stage, ids))


def agreed_statement(stage: str, ids: list[int] | ScalarSelect[int]) -> Select[tuple[int, int, int, int, str]]:
    return select(
        AgreedScore.application_id,
        AgreedScore.criterion_id,
        AgreedScore.id,
        AgreedScore.value,
        AgreedScore.status,
    ).where(AgreedScore.application_id.in_(ids), AgreedScore.stage == stage)


def read_agreed(
    statement: Select[tuple[int, int, int, int, str]], parameters: Mapping[str, Any] | None = None
) -> dict[tuple[int, int], tuple[int, int | None]]:
    """agreed_by_item's rows, from its statement (agreed_statement's) run with these parameters."""
    return {
        (application_id, criterion_id): (agreed_id, value if status == AgreedScoreStatus.AGREED else None)
        for application_id, criterion_id, agreed_id, value, status in plain_rows(statement, parameters)
    }


def load_items(
    campaign: Campaign,
    stage: str,
    applications: list[Application],
    criteria: list[Criterion] | None = None,
    *,
    known: tuple[Conflicts, AgreedRows] | None = None,
) -> list[Item]:
    criteria = criteria if criteria is not None else stage_criteria(campaign, stage)
    ids: list[int] | ScalarSelect[int] = [a.id for a in applications]
    if not ids:
        return []
    panel = set(assessor_ids(campaign, stage))
    if len(ids) > LONG_LIST:
        # Every application of a large sift: asking for the campaign's is cheaper than sending thousands of ids.
        ids = select(Application.id).where(Application.campaign_id == campaign.id).scalar_subquery()
    pairs: dict[tuple[int, int], tuple[tuple[int, int], ...]] = {}
    for application_id, criterion_id, assessor_id, value in plain_rows(
        select(Score.application_id, Score.criterion_id, Score.assessor_id, Score.value).where(
            Score.application_id.in_(ids), Score.stage == stage, Score.status == ScoreStatus.SUBMITTED
        )
    ):
        # Only the panel's scores count: someone taken off the panel keeps their record, which no longer counts.
        if assessor_id in panel:
            key = (application_id, criterion_id)
            pairs[key] = (*pairs.get(key, ()), (assessor_id, value))
    conflicted: Conflicts
    agreed: AgreedRows
    if known is not None:
        conflicted, agreed = known  # the whole stage's, looked up for these applications alone
    else:
        found: dict[int, set[int]] = defaultdict(set)
        for application_id, assessor_id in plain_rows(
            select(Conflict.application_id, Conflict.assessor_id).where(
                Conflict.application_id.in_(ids), Conflict.stage == stage, Conflict.has_conflict.is_(True)
            )
        ):
            found[application_id].add(assessor_id)
        conflicted, agreed = found, agreed_by_item(stage, ids)
    threshold, nothing, no_scores = campaign.discrepancy_threshold, (None, None), ((), ())
    items = []
    for application in applications:
        excluded_people = conflicted.get(application.id)
        expected = len(panel.difference(excluded_people)) if excluded_people else len(panel)
        conflicted_ids = tuple(sorted(excluded_people)) if excluded_people else ()
        for criterion in criteria:
            key = (application.id, criterion.id)
            counted = pairs.get(key)
            excluded: tuple[int, ...] = ()
            if counted and excluded_people:
                excluded = tuple(sorted(a for a, _ in counted if a in excluded_people))
                counted = tuple(pair for pair in counted if pair[0] not in excluded_people)
            # (assessor ids), (their values), in assessor order
            assessors, values = tuple(zip(*sorted(counted))) if counted else no_scores
            agreed_id, agreed_value = agreed.get(key, nothing)
            items.append(
                Item(
                    application,
                    criterion,
                    stage,
                    values,
                    assessors,
                    expected,
                    agreed_value,
                    threshold,
                    excluded,
                    conflicted_ids,
                    agreed_id,
                )
            )
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
