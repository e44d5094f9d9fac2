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
    return bool(scores) and min(scores) < pass_mark <= max(scores)


def range_is_discrepant(lowest: int, highest: int, threshold: int, pass_mark: int) -> bool:
    """The discrepancy rule from the lowest and highest score alone, which is all it depends on (the board counts
    a stage's items from these, summarised in the database)."""
    return highest - lowest >= threshold or lowest < pass_mark <= highest


def is_discrepant(scores: list[int], threshold: int, pass_mark: int) -> bool:
    return bool(scores) and range_is_discrepant(min(scores), max(scores), threshold, pass_mark)


def status_of(counted: int, expected: int, agreed: bool) -> str:
    """Where an item stands from how many counted scores it has, how many it needs, and whether it is agreed."""
    if agreed:
        return "agreed"
    if expected == 0:
        return "no assessors"
    if counted < expected:
        return "awaiting scores"
    return "ready"


# The same rules in words, for the chair deciding a discrepant item.


def listed(values: list[int]) -> str:
    """3; 3 and 6; 3, 5 and 6."""
    words = [str(value) for value in values]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def spread_explained(scores: list[int], threshold: int) -> str:
    lowest, highest = min(scores), max(scores)
    if len(scores) == 2:
        return f"scores {listed(sorted(scores))} differ by {highest - lowest}; the threshold is {threshold}"
    return f"scores range from {lowest} to {highest}, a difference of {highest - lowest}; the threshold is {threshold}"


def pass_mark_explained(scores: list[int], pass_mark: int) -> str:
    below = sorted({score for score in scores if score < pass_mark})
    passing = sorted({score for score in scores if score >= pass_mark})
    return (
        f"{listed(below)} {'is' if len(below) == 1 else 'are'} below the pass mark of {pass_mark}, while "
        f"{listed(passing)} {'is' if len(passing) == 1 else 'are'} at or above it"
    )


def mean_explained(scores: list[int]) -> str:
    """How the proposal comes from the scores: "the mean of 3, 6 and 5 is about 4.67, which rounds to 5"."""
    if len(scores) == 1:
        return f"the only score is {scores[0]}"
    mean = Decimal(sum(scores)) / Decimal(len(scores))
    if mean == mean.to_integral_value():
        return f"the mean of {listed(scores)} is {mean:.0f}"
    if mean * 2 == (mean * 2).to_integral_value():
        return f"the mean of {listed(scores)} is {mean:.1f}; halves round up, so it is {proposal(scores)}"
    shown = mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    about = "" if shown == mean else "about "
    return f"the mean of {listed(scores)} is {about}{shown:f}, which rounds to {proposal(scores)}"


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
        return status_of(len(self.scores), self.expected, self.agreed is not None)

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

    @property
    def explanation(self) -> list[str]:
        """Why the item is discrepant, in plain words: "scores 3 and 6 differ by 3; the threshold is 2"."""
        if not self.discrepant:
            return []
        scores = list(self.scores)
        explained = []
        if spread(scores) >= self.threshold:
            explained.append(spread_explained(scores, self.threshold))
        if straddles_pass_mark(scores, self.pass_mark):
            explained.append(pass_mark_explained(scores, self.pass_mark))
        return explained

    @property
    def proposal_explained(self) -> str | None:
        return mean_explained(list(self.scores)) if self.proposal is not None else None


def agreement_needs_rationale(state: ItemState, agreed: int) -> bool:
    """A rationale is required for every discrepant item and every change from the proposal."""
    return state.discrepant or agreed != state.proposal
