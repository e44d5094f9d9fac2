"""The quality of a stage's assessment: how far the panel's independent scores agree (Krippendorff's alpha,
ordinal and interval, for the stage and per criterion) and whether any assessor scores above or below the rest
of the panel.

Only what each assessor decided alone counts: their own submitted scores, before moderation (never the agreed
scores), on the applications the stage scores, from the stage's panel, leaving out drafts and the scores of an
assessor who declared a conflict of interest with the candidate. They are read in one query however many
applications there are; everything after that is numpy (reliability.py, leniency.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

import numpy as np
import numpy.typing as npt
from sqlalchemy import Select, and_, bindparam, exists, select

from recruit.clock import utcnow
from recruit.extensions import cached, keep, shared_cache
from recruit.models import Campaign, Conflict, Criterion, Score, User
from recruit.models.campaign import Panel, PanelMember
from recruit.models.scoring import ScoreStatus
from recruit.services.assessment.board import plain_rows
from recruit.services.assessment.kept import UPDATED_AT_MOST, KeptByVersion
from recruit.services.assessment.leniency import Leniency, leniency
from recruit.services.assessment.reliability import DRAWS, SEED, Metric, Reliability, Units, assess_each, count_matrix
from recruit.services.campaigns.stages import eligible_ids, eligible_parameters
from recruit.services.frameworks import kept_wording

IntArray = npt.NDArray[np.int64]
# A kept table's columns: ids (the database's integers) and scale points all fit in 32 bits, half the memory.
Column = npt.NDArray[np.int32]
METRICS = (Metric.ORDINAL, Metric.INTERVAL)


@dataclass(frozen=True)
class Agreement:
    """Alpha on the ordinal and interval metrics for the stage's items, or one criterion's."""

    criterion: Criterion | None  # None for every criterion together
    ordinal: Reliability
    interval: Reliability


@dataclass(frozen=True)
class AssessorLeniency:
    assessor: User
    leniency: Leniency


@dataclass(frozen=True)
class StageQuality:
    stage: str
    overall: Agreement  # the units are the items: one application's one criterion
    criteria: list[Agreement]  # in the campaign's order of criteria
    assessors: list[AssessorLeniency]  # every panel member, in the panel's order
    scores: int  # the scores counted
    # When the figures were worked out, when they may be older than the scores (the board of a large stage,
    # board_quality); None when they are worked out from every score counted now.
    as_of: datetime | None = None

    @property
    def flagged(self) -> list[AssessorLeniency]:
        return [entry for entry in self.assessors if entry.leniency.flagged]


@dataclass(frozen=True)
class Figures:
    """What analyse works out from a table, by criterion and assessor id: none of a request's own objects, so that
    they can be kept with the table."""

    overall: tuple[Reliability, ...]  # ordinal, interval
    per_criterion: dict[int, tuple[Reliability, ...]]
    leniency: dict[int, Leniency]


@dataclass(frozen=True, eq=False)
class ScoreTable:
    """The counted scores, one row each, as columns."""

    application_ids: Column
    criterion_ids: Column
    assessor_ids: Column
    values: Column
    # The figures worked out from this table, by what they were asked for (criteria, scale, draws, seed). A table
    # never changes once made (a kept one is shared between requests, and brought up to date as a new table), so
    # neither do they: the board shown again at the same report data version works nothing out again.
    figures: dict[tuple[object, ...], Figures] = field(default_factory=dict, repr=False, kw_only=True)

    @classmethod
    def from_rows(cls, rows: Sequence[tuple[int, int, int, int]] | npt.ArrayLike) -> ScoreTable:
        table = np.asarray(rows, dtype=np.int64).reshape(-1, 4).astype(np.int32)
        return cls(*(np.ascontiguousarray(table[:, column]) for column in range(4)))

    @property
    def criterion_span(self) -> int:
        return int(self.criterion_ids.max()) + 1 if self.criterion_ids.size else 1

    @property
    def item_keys(self) -> IntArray:
        """One number per (application, criterion): application id × span + criterion id."""
        return self.application_ids.astype(np.int64) * self.criterion_span + self.criterion_ids


# The counted scores of the stages looked at lately in this process (kept.py), bounded by the scores held: a
# 10,000-application sift of 6 criteria and 3 assessors has 180,000 (2.9 MB), so some twenty such sifts moderated at
# once are each kept (64 MB at most). Fewer, and chairs moderating more of them than fit would each read their
# whole stage again (about 80 ms, most of it the database's) on nearly every load of the board.
_tables: KeptByVersion[ScoreTable] = KeptByVersion(4_000_000, lambda table: int(table.values.size))


def forget_tables() -> None:
    """Drop the counted scores kept (for timing the query itself)."""
    _tables.clear()


def counted_scores(campaign: Campaign, stage: str, criterion_ids: list[int]) -> ScoreTable:
    """The stage's counted scores: kept from an earlier read while the campaign's report data version is the same,
    brought up to date by reading again the applications changed since when only those changed (update_counted_scores),
    else read afresh (read_counted_scores)."""
    return _tables.get(
        campaign.id,
        (stage, tuple(criterion_ids)),
        lambda: _shared(read_counted_scores(campaign, stage, criterion_ids)),
        lambda kept, changed: update_counted_scores(campaign, stage, criterion_ids, kept, changed),
    )


def _shared(table: ScoreTable) -> ScoreTable:
    for column in (table.application_ids, table.criterion_ids, table.assessor_ids, table.values):
        column.flags.writeable = False  # shared between requests
    return table


def update_counted_scores(
    campaign: Campaign, stage: str, criterion_ids: list[int], kept: ScoreTable, changed: set[int]
) -> ScoreTable | None:
    """The counted scores in `kept`, but those of these applications read again (in one query): a new table, `kept`
    left as it is. None when so many applications changed that reading the stage whole is as quick."""
    if len(changed) > UPDATED_AT_MOST:
        return None
    fresh = read_counted_scores(campaign, stage, criterion_ids, only=sorted(changed))
    left = ~np.isin(kept.application_ids, np.fromiter(changed, dtype=np.int64, count=len(changed)))
    columns = [
        np.concatenate((before[left], after))
        for before, after in (
            (kept.application_ids, fresh.application_ids),
            (kept.criterion_ids, fresh.criterion_ids),
            (kept.assessor_ids, fresh.assessor_ids),
            (kept.values, fresh.values),
        )
    ]
    return _shared(ScoreTable(*columns))


def read_counted_scores(
    campaign: Campaign, stage: str, criterion_ids: list[int], only: list[int] | None = None
) -> ScoreTable:
    """The stage's counted scores (of these applications only, given `only`), in one query: submitted, by the
    stage's panel, on the applications the stage scores, for its criteria, without those of an assessor with a
    declared conflict of interest."""
    parameters = eligible_parameters(campaign, only) | {"criteria": criterion_ids}
    rows = plain_rows(_counted_scores_statement(stage, only is not None), parameters)
    # Straight into one array, four numbers a row, without a Python object per row kept on the way.
    flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64)
    return ScoreTable.from_rows(flat)


@cache
def _counted_scores_statement(stage: str, only: bool) -> Select[tuple[int, int, int, int | None]]:
    """read_counted_scores' statement, built once for each stage (of some applications only, or of all): its
    parameters are the campaign's id and those ids (eligible_ids'), and the criteria's ids (`criteria`). The board
    reads its changed applications' scores again after every score saved."""
    panel = (
        select(PanelMember.user_id)
        .join(Panel, Panel.id == PanelMember.panel_id)
        .where(Panel.campaign_id == bindparam("campaign_id"), Panel.stage == stage)
    )
    conflicted = exists().where(
        and_(
            Conflict.application_id == Score.application_id,
            Conflict.assessor_id == Score.assessor_id,
            Conflict.stage == stage,
            Conflict.has_conflict.is_(True),
        )
    )
    return select(Score.application_id, Score.criterion_id, Score.assessor_id, Score.value).where(
        Score.stage == stage,
        Score.status == ScoreStatus.SUBMITTED,
        Score.criterion_id.in_(bindparam("criteria", expanding=True)),
        Score.assessor_id.in_(panel.scalar_subquery()),
        Score.application_id.in_(eligible_ids(stage, only).scalar_subquery()),
        ~conflicted,
    )


def figures_of(
    table: ScoreTable, criterion_ids: Sequence[int], scale_points: Sequence[int], draws: int = DRAWS, seed: int = SEED
) -> Figures:
    """Alpha, ordinal and interval, for every item together and for each criterion's items, and each assessor's
    leniency: worked out once for each table and question, then kept with the table. The items' counts are made
    once; each criterion's are a selection of them."""
    asked = (tuple(criterion_ids), tuple(scale_points), draws, seed)
    known = table.figures.get(asked)
    if known is not None:
        return known
    keys, values, counts = count_matrix(table.item_keys, table.values)
    span = table.criterion_span
    worked_out = Figures(
        overall=assess_each(Units.from_counts(values, counts), METRICS, draws, seed),
        per_criterion={
            criterion_id: assess_each(
                Units.from_counts(values, counts[keys % span == criterion_id]), METRICS, draws, seed
            )
            for criterion_id in criterion_ids
        },
        leniency={
            entry.assessor: entry for entry in leniency(table.item_keys, table.assessor_ids, table.values, scale_points)
        },
    )
    table.figures[asked] = worked_out  # the same figures whichever request stores them first
    return worked_out


def analyse(
    table: ScoreTable,
    stage: str,
    criteria: Sequence[Criterion],
    panel: Sequence[User],
    scale_points: Sequence[int],
    draws: int = DRAWS,
    seed: int = SEED,
) -> StageQuality:
    """The figures from scores already read, for this request's criteria and panel."""
    figures = figures_of(table, [criterion.id for criterion in criteria], scale_points, draws, seed)
    return _quality(figures, stage, criteria, panel, scale_points, int(table.values.size))


def _quality(
    figures: Figures,
    stage: str,
    criteria: Sequence[Criterion],
    panel: Sequence[User],
    scale_points: Sequence[int],
    scores: int,
    as_of: datetime | None = None,
) -> StageQuality:
    nothing = tuple((point, 0) for point in scale_points)
    return StageQuality(
        stage=stage,
        overall=Agreement(None, *figures.overall),
        criteria=[Agreement(criterion, *figures.per_criterion[criterion.id]) for criterion in criteria],
        assessors=[
            AssessorLeniency(person, figures.leniency.get(person.id) or Leniency(person.id, None, 0, None, 0, nothing))
            for person in panel
        ],
        scores=scores,
        as_of=as_of,
    )


def stage_quality(campaign: Campaign, stage: str, draws: int = DRAWS, seed: int = SEED) -> StageQuality:
    """The stage's agreement and each panel member's leniency, in a fixed number of queries."""
    criteria, panel, points = _asked(campaign, stage)
    table = counted_scores(campaign, stage, [c.id for c in criteria])
    return analyse(table, stage, criteria, panel, points, draws, seed)


def _asked(campaign: Campaign, stage: str) -> tuple[list[Criterion], list[User], list[int]]:
    """The stage's criteria, its panel's people and the scale's points: what the figures are worked out for."""
    criteria = campaign.criteria_at(stage)
    # The panel's people as loaded with the campaign (kept_setup.load_campaign), in the order they joined it.
    panel_of = campaign.panel(stage)
    panel = [member.user for member in sorted(panel_of.members, key=lambda m: m.id)] if panel_of else []
    points = [point.value for point in kept_wording.scale_points(campaign.scale_id)]
    return criteria, panel, points


# The moderation board of a stage with at least this many counted scores shows the figures worked out at most
# BOARD_REFRESH ago. Working them out takes a few tens of milliseconds whatever the stage's size (the bootstrap's
# 1,000 resamples are drawn over the kinds of item, and a stage of a few hundred items has nearly as many kinds
# as one of 60,000), and on a large stage the panel's scores change them between nearly every two loads of the
# board; yet one application's scores among thousands of items do not move a figure shown to two decimal places.
# A smaller stage's board works them out from every score, at once (DESIGN §11: shown live). The panel quality
# page and the reports always work them out from every score counted. The figures are kept in the shared cache
# (recruit/extensions.py), so that with a Redis for it one process works them out for all of them.
BOARD_LIVE_BELOW_SCORES = 10_000
BOARD_REFRESH = timedelta(minutes=1)


def board_quality(campaign: Campaign, stage: str) -> StageQuality:
    """The figures the moderation board shows: stage_quality's, but on a stage with at least
    BOARD_LIVE_BELOW_SCORES counted scores those worked out in the last BOARD_REFRESH, if any, with the time they
    were worked out (`as_of`)."""
    criteria, panel, points = _asked(campaign, stage)
    table = counted_scores(campaign, stage, [c.id for c in criteria])
    if table.values.size < BOARD_LIVE_BELOW_SCORES:
        return analyse(table, stage, criteria, panel, points)
    key = board_figures_key(campaign.id, stage, [c.id for c in criteria], points)
    now = utcnow()
    kept: tuple[datetime, Figures, int] | None = cached(shared_cache, key, "the board's figures")
    if kept is None or not now - BOARD_REFRESH < kept[0] <= now:
        kept = (now, figures_of(table, [c.id for c in criteria], points), int(table.values.size))
        keep(shared_cache, key, kept, timeout=int(BOARD_REFRESH.total_seconds()) * 2)
    as_of, figures, scores = kept
    return _quality(figures, stage, criteria, panel, points, scores, as_of)


def board_figures_key(campaign_id: int, stage: str, criterion_ids: Sequence[int], points: Sequence[int]) -> str:
    return f"board-figures:{campaign_id}:{stage}:{','.join(map(str, criterion_ids))}:{','.join(map(str, points))}"


def campaign_quality(campaign: Campaign, draws: int = DRAWS, seed: int = SEED) -> list[StageQuality]:
    """Each stage the campaign has reached, in order."""
    return [stage_quality(campaign, stage, draws, seed) for stage in campaign.stages_with_results]
