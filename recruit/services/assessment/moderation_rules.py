"""Moderation rules (DESIGN §6), as plain functions over plain values.

For one application and criterion at one stage, once every non-conflicted assessor has
submitted: the spread is highest minus lowest; the item is discrepant when the spread
reaches the campaign's threshold or the scores fall on both sides of the pass mark; the
proposed agreed score is the mean rounded half up.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


def spread(scores: list[int]) -> int:
    return max(scores) - min(scores) if scores else 0


def proposal(scores: list[int]) -> int:
    """The mean, rounded half up (4.5 → 5), computed exactly."""
    if not scores:
        raise ValueError("no scores to propose from")
    mean = Decimal(sum(scores)) / Decimal(len(scores))
    return int(mean.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def straddles_pass_mark(scores: list[int], pass_mark: int) -> bool:
    return any(score >= pass_mark for score in scores) and any(score < pass_mark for score in scores)


def is_discrepant(scores: list[int], threshold: int, pass_mark: int) -> bool:
    return spread(scores) >= threshold or straddles_pass_mark(scores, pass_mark)


@dataclass(frozen=True)
class ItemState:
    """Where one application-and-criterion item stands in moderation."""

    scores: tuple[int, ...]  # submitted scores of non-conflicted assessors
    expected: int  # how many non-conflicted assessors should score it
    agreed: int | None  # the agreed score, once agreed
    threshold: int
    pass_mark: int

    @property
    def status(self) -> str:
        if self.agreed is not None:
            return "agreed"
        if self.expected == 0:
            return "no assessors"
        if len(self.scores) < self.expected:
            return "awaiting scores"
        return "ready"

    @property
    def ready(self) -> bool:
        return self.status == "ready"

    @property
    def is_agreed(self) -> bool:
        return self.agreed is not None

    @property
    def without_assessors(self) -> bool:
        """Everyone on the panel declared a conflict, so nobody is left to score it."""
        return self.agreed is None and self.expected == 0

    @property
    def spread(self) -> int | None:
        return spread(list(self.scores)) if self.scores else None

    @property
    def proposal(self) -> int | None:
        return proposal(list(self.scores)) if self.scores and len(self.scores) >= self.expected else None

    @property
    def discrepant(self) -> bool:
        return (
            bool(self.scores)
            and len(self.scores) >= self.expected
            and is_discrepant(list(self.scores), self.threshold, self.pass_mark)
        )

    @property
    def reasons(self) -> list[str]:
        if not self.discrepant:
            return []
        reasons = []
        if spread(list(self.scores)) >= self.threshold:
            reasons.append(f"scores {spread(list(self.scores))} apart")
        if straddles_pass_mark(list(self.scores), self.pass_mark):
            reasons.append("scores on both sides of the pass mark")
        return reasons


def agreement_needs_rationale(state: ItemState, agreed: int) -> bool:
    """A rationale is required for every discrepant item and every change from the proposal."""
    return state.discrepant or agreed != state.proposal
