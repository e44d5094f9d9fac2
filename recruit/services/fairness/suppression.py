"""Suppression of small counts in the fairness figures, so that no one in a small group can be picked out.

Primary suppression: a count under 10, 0 included, is not shown (a 0 would say that everyone in a group failed a
stage, or that nobody from it got through). Groups that nobody at all belongs to are left out of the figures
before this runs: there is nobody in them to protect.

Secondary suppression: every shown total is the sum of its parts (a stage's total is the sum of its groups, a
broad ethnic group the sum of the detailed answers in it), so a single hidden number in such a sum could be
worked out by subtraction. Wherever exactly one number of a sum (the total or one of its parts) is hidden, the
smallest shown part is hidden too, or the total when every part is hidden already; this repeats until no sum has
exactly one hidden number. Hiding only ever grows, so it ends.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

THRESHOLD = 10
SUPPRESSED_LABEL = "Fewer than 10"

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Sum(Generic[K]):
    """total = sum(parts): the numbers are keys into the values being suppressed."""

    total: K
    parts: Sequence[K]


def primary(values: Mapping[K, int]) -> set[K]:
    return {key for key, value in values.items() if value < THRESHOLD}


def suppress(values: Mapping[K, int], sums: Iterable[Sum[K]]) -> set[K]:
    """The keys to hide: the small counts, and enough others that none of them can be worked out from a sum."""
    sums = list(sums)
    hidden = primary(values)
    changed = True
    while changed:
        changed = False
        for rule in sums:
            members = [rule.total, *rule.parts]
            if sum(1 for key in members if key in hidden) != 1:
                continue
            shown = [key for key in rule.parts if key not in hidden]
            # The smallest part gives away least; the order of the parts breaks a tie, so the result is stable.
            hide = min(shown, key=lambda key: values[key]) if shown else rule.total
            hidden.add(hide)
            changed = True
    return hidden


def derivable(values: Mapping[K, int], sums: Iterable[Sum[K]], hidden: set[K]) -> set[K]:
    """Hidden numbers that subtraction can recover from the shown ones, repeatedly (each one recovered is then
    known): empty when the suppression holds. For the tests, and as a check before anything is shown."""
    known = {key for key in values if key not in hidden}
    sums = list(sums)
    recovered: set[K] = set()
    changed = True
    while changed:
        changed = False
        for rule in sums:
            unknown = [key for key in (rule.total, *rule.parts) if key not in known]
            if len(unknown) == 1:
                known.add(unknown[0])
                recovered.add(unknown[0])
                changed = True
    return recovered
