"""The panel quality figures as the pages and reports show them (DESIGN §11): how far the panel's independent scores
agree, overall and per criterion, and each panel member's scores against the rest of the panel, with the
distribution of their scores as a chart and a table. For the stage's chair and admins only; nothing here ever
changes a score.

The board shows the agreement alone (`agreement_rows`); the panel quality page and the sift and interview reports
show everything (`panel_quality`).
"""

from __future__ import annotations

from dataclasses import dataclass

from recruit.models import Campaign
from recruit.services.assessment import leniency, reliability
from recruit.services.assessment.quality import Agreement, StageQuality, stage_quality
from recruit.services.assessment.reliability import Reliability
from recruit.services.reports import charts

ALL_CRITERIA = "All criteria"
DIFFERS = "Differs from the panel"


@dataclass(frozen=True)
class AgreementRow:
    """Alpha for every criterion together or for one criterion, on both metrics."""

    name: str
    ordinal: Reliability
    interval: Reliability

    @property
    def units(self) -> int:
        return self.ordinal.units  # the same units and values on either metric

    @property
    def pairable(self) -> int:
        return self.ordinal.pairable

    @property
    def same_reason(self) -> bool:
        """Neither metric has a figure, for the same reason (too few scores, or no variation): said once."""
        return not self.ordinal.judged and self.ordinal.judgement == self.interval.judgement


@dataclass(frozen=True)
class AssessorRow:
    name: str
    sentence: str  # "Ann Example scores on average 0.8 higher than the rest of the panel on 24 shared items"
    difference: str  # "+0.8", or "" with no shared items
    shared: int
    standard_error: str  # "0.12", or "" below two shared items
    flagged: bool
    scored: int  # every counted score of theirs
    counts: list[int]  # how many of their scores fell on each point of the scale

    @property
    def tag(self) -> str:
        return DIFFERS if self.flagged else ""


@dataclass(frozen=True)
class Floors:
    """The rules the figures follow, for the explanations beside them."""

    units: int = reliability.MIN_UNITS
    pairable: int = reliability.MIN_PAIRABLE
    draws: int = reliability.DRAWS
    difference: float = leniency.MIN_DIFFERENCE
    shared: int = leniency.MIN_SHARED
    standard_errors: float = leniency.MIN_STANDARD_ERRORS


@dataclass(frozen=True)
class PanelQuality:
    stage: str
    agreement: list[AgreementRow]  # every criterion together first, then each criterion in order
    assessors: list[AssessorRow]  # every panel member, in the panel's order
    points: list[int]  # the scale
    chart: charts.Chart | None  # each member's scores; None until any are counted
    scores: int  # the scores counted
    floors: Floors

    @property
    def overall(self) -> AgreementRow:
        return self.agreement[0]

    @property
    def flagged(self) -> int:
        return sum(1 for row in self.assessors if row.flagged)


def _row(agreement: Agreement) -> AgreementRow:
    name = agreement.criterion.name if agreement.criterion is not None else ALL_CRITERIA
    return AgreementRow(name, agreement.ordinal, agreement.interval)


def agreement_rows(quality: StageQuality) -> list[AgreementRow]:
    return [_row(quality.overall), *(_row(entry) for entry in quality.criteria)]


def _standard_error(value: float | None) -> str:
    return "" if value is None else f"{round(value, 2) + 0.0:.2f}"


def panel_quality(campaign: Campaign, stage: str) -> PanelQuality:
    """Every figure of the stage's panel quality, read in a fixed number of queries."""
    return present(stage_quality(campaign, stage))


def present(quality: StageQuality) -> PanelQuality:
    assessors = [
        AssessorRow(
            entry.assessor.name,
            f"{entry.assessor.name} {entry.leniency.sentence}",
            entry.leniency.difference_text,
            entry.leniency.shared,
            _standard_error(entry.leniency.standard_error),
            entry.leniency.flagged,
            entry.leniency.scored,
            [count for _, count in entry.leniency.distribution],
        )
        for entry in quality.assessors
    ]
    points = [point for point, _ in quality.assessors[0].leniency.distribution] if quality.assessors else []
    chart = (
        charts.assessor_scores([row.name for row in assessors], points, [row.counts for row in assessors])
        if quality.scores and points
        else None
    )
    return PanelQuality(quality.stage, agreement_rows(quality), assessors, points, chart, quality.scores, Floors())
