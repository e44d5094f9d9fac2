"""Results and ranking (DESIGN §6), as plain functions over plain values.

A criterion passes when its agreed score reaches its pass mark; the total is the sum of
weight × agreed score; an application passes when every criterion passes and the total
reaches the overall pass mark, if there is one. Passing applications are ranked by total,
ties broken by the lead criterion's agreed score, then by the other criteria in their
listed order; applications still tied share a rank, shown as "=3".
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

# Whatever identifies an application to the caller: an Application, or a plain value in the rules' own tests.
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class CriterionRule:
    code: str
    weight: int
    pass_mark: int
    is_lead: bool = False


@dataclass
class Result(Generic[K]):
    key: K
    agreed: dict[str, int]  # criterion code → agreed score
    passes: dict[str, bool] = field(default_factory=dict)
    total: int = 0
    passed: bool = False
    rank: int | None = None
    shared: bool = False

    @property
    def rank_label(self) -> str:
        if self.rank is None:
            return ""
        return f"={self.rank}" if self.shared else str(self.rank)


def evaluate(key: K, agreed: dict[str, int], rules: list[CriterionRule], overall_pass_mark: int | None) -> Result[K]:
    """The result of one application whose every criterion has an agreed score."""
    missing = [rule.code for rule in rules if rule.code not in agreed]
    if missing:
        raise ValueError(f"no agreed score for {', '.join(missing)}")
    result = Result(key=key, agreed=dict(agreed))
    result.passes = {rule.code: agreed[rule.code] >= rule.pass_mark for rule in rules}
    result.total = sum(rule.weight * agreed[rule.code] for rule in rules)
    result.passed = all(result.passes.values()) and (overall_pass_mark is None or result.total >= overall_pass_mark)
    return result


def tie_break_order(rules: list[CriterionRule]) -> list[str]:
    """The lead criterion first, then the others in their listed order."""
    lead = [rule.code for rule in rules if rule.is_lead]
    return lead + [rule.code for rule in rules if not rule.is_lead]


def sort_key(result: Result[K], order: list[str]) -> tuple[int, ...]:
    return (-result.total, *(-result.agreed[code] for code in order))


def rank(results: list[Result[K]], rules: list[CriterionRule]) -> list[Result[K]]:
    """Rank the passing results in place (standard competition ranking) and return them in rank order."""
    order = tie_break_order(rules)
    passing = sorted((r for r in results if r.passed), key=lambda r: sort_key(r, order))
    for result in results:
        result.rank, result.shared = None, False
    position = 0
    while position < len(passing):
        key = sort_key(passing[position], order)
        end = position
        while end + 1 < len(passing) and sort_key(passing[end + 1], order) == key:
            end += 1
        for result in passing[position : end + 1]:
            result.rank = position + 1
            result.shared = end > position
        position = end + 1
    return passing
