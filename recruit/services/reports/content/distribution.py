"""How many fully agreed applications got each agreed score, per criterion: the chart and table on a stage's
results page and in the sift report."""

from __future__ import annotations

from dataclasses import dataclass

from recruit.models import Campaign
from recruit.services.assessment.results import StageResults
from recruit.services.reports import charts


@dataclass
class Distribution:
    chart: charts.Chart
    points: list[int]
    rows: list[tuple[str, list[int], int]]  # criterion, count per scale point, how many reach its pass mark
    applications: int


def score_distribution(campaign: Campaign, outcome: StageResults) -> Distribution | None:
    """The distribution of the stage's agreed scores; None until an application has every criterion agreed."""
    if not outcome.results or not outcome.criteria:
        return None
    points = [p.value for p in campaign.scale.points]
    rows = []
    for criterion in outcome.criteria:
        counts = dict.fromkeys(points, 0)
        for result in outcome.results:
            counts[result.agreed[criterion.code]] = counts.get(result.agreed[criterion.code], 0) + 1
        rows.append(
            (criterion.name, [counts[p] for p in points], sum(1 for r in outcome.results if r.passes[criterion.code]))
        )
    chart = charts.score_distribution(
        [name for name, _, _ in rows], points, [c for _, c, _ in rows], len(outcome.results)
    )
    return Distribution(chart, points, rows, len(outcome.results))
