"""Whether an assessor tends to score above or below the rest of their panel, in numpy alone (no database).

On every item an assessor shares with at least one co-assessor, their score less the mean of the others'
scores; per assessor the mean of those differences, how many there were and its standard error (the sample
standard deviation over the square root of the count). A difference is drawn to the chair's attention only
when it is large (half a scale point or more), rests on enough items (10 or more) and is unlikely to be chance
(at least two standard errors from nothing). It describes; nothing ever adjusts a score.

Which assessors are flagged is settled one at a time. On a panel of three, one assessor a point above the other
two puts each of the others half a point below "the rest of the panel" (which includes the high scorer), so the
rule alone would flag all three. So the assessor furthest out (most standard errors from nothing) who meets the
rule is flagged first; the others' differences are then worked out again without the flagged assessor's scores,
and the next is flagged only if they still meet the rule; and so on until nobody else does. The figures shown
are always those against the whole rest of the panel.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

MIN_DIFFERENCE: Final = 0.5
MIN_SHARED: Final = 10
MIN_STANDARD_ERRORS: Final = 2.0
# A difference of exactly half a point, computed in floating point, still counts as half a point.
_TOLERANCE: Final = 1e-9


@dataclass(frozen=True)
class Leniency:
    assessor: int  # the assessor's id
    difference: float | None  # mean of (their score - the others' mean) on shared items; None without any
    shared: int  # items shared with at least one co-assessor
    standard_error: float | None  # None below two shared items
    scored: int  # every score of theirs counted, shared or not
    distribution: tuple[tuple[int, int], ...]  # (scale point, how many of their scores), every point of the scale
    # Drawn to the chair's attention: meets the rule, and still does once anyone further out is set aside.
    flagged: bool = False

    @property
    def standard_errors(self) -> float | None:
        """How many standard errors the difference lies from nothing (infinite when every difference is the
        same non-zero amount)."""
        if self.difference is None or self.standard_error is None:
            return None
        return _ratio(self.difference, self.standard_error)

    @property
    def meets_rule(self) -> bool:
        """Large enough, on enough items, and unlikely to be chance, against the whole rest of the panel."""
        return _meets_rule(self.difference, self.shared, self.standard_error)

    @property
    def difference_text(self) -> str:
        """ "+0.8", "-0.3" or "0.0", to one place."""
        if self.difference is None:
            return ""
        rounded = round(self.difference, 1) + 0.0
        return f"{rounded:+.1f}" if rounded else "0.0"

    @property
    def sentence(self) -> str:
        """In neutral words: "scores on average 0.8 higher than the rest of the panel on 24 shared items"."""
        if self.difference is None or self.shared == 0:
            return "has no items scored by the rest of the panel yet"
        items = "1 shared item" if self.shared == 1 else f"{self.shared} shared items"
        rounded = round(self.difference, 1) + 0.0
        if not rounded:
            return f"scores on average the same as the rest of the panel on {items}"
        direction = "higher" if rounded > 0 else "lower"
        return f"scores on average {abs(rounded):.1f} {direction} than the rest of the panel on {items}"


def _ratio(difference: float, error: float) -> float:
    if error == 0:
        return 0.0 if difference == 0 else math.copysign(math.inf, difference)
    return difference / error


def _meets_rule(difference: float | None, shared: int, error: float | None) -> bool:
    return (
        difference is not None
        and error is not None
        and abs(difference) >= MIN_DIFFERENCE - _TOLERANCE
        and shared >= MIN_SHARED
        and abs(_ratio(difference, error)) >= MIN_STANDARD_ERRORS - _TOLERANCE
    )


Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


def _differences(item_index: Ints, person_index: Ints, scores: Floats, people: int) -> tuple[Floats, Ints, Floats]:
    """Per person: the mean of (their score - the others' mean) over the items they share, how many, and its
    standard error (NaN where undefined)."""
    totals = np.bincount(item_index, weights=scores)
    counts = np.bincount(item_index)
    others = counts[item_index] - 1
    shared = others > 0
    # Each shared score less the mean of the others' scores on its item.
    difference = scores[shared] - (totals[item_index][shared] - scores[shared]) / others[shared]
    who = person_index[shared]
    n = np.bincount(who, minlength=people)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.bincount(who, weights=difference, minlength=people) / n
        squares = np.bincount(who, weights=(difference - mean[who]) ** 2, minlength=people)
        error = np.sqrt(squares / (n - 1)) / np.sqrt(n)
    return mean, n, error


def _figure(values: Floats, counts: Ints, i: int, least: int) -> float | None:
    return float(values[i]) if counts[i] >= least else None


def _flag(item_index: Ints, person_index: Ints, scores: Floats, people: int) -> set[int]:
    """The people flagged, one at a time, furthest out first, each time without those already flagged."""
    flagged: set[int] = set()
    while True:
        keep = ~np.isin(person_index, list(flagged))
        mean, n, error = _differences(item_index[keep], person_index[keep], scores[keep], people)
        meeting = [
            i
            for i in range(people)
            if i not in flagged and _meets_rule(_figure(mean, n, i, 1), int(n[i]), _figure(error, n, i, 2))
        ]
        if not meeting:
            return flagged
        flagged.add(max(meeting, key=lambda i: (abs(_ratio(float(mean[i]), float(error[i]))), abs(float(mean[i])))))


def leniency(
    item_keys: npt.ArrayLike,
    assessors: npt.ArrayLike,
    values: npt.ArrayLike,
    scale_points: Sequence[int],
) -> list[Leniency]:
    """Each assessor's leniency, in order of their id, from one row per counted score: the item it belongs to
    (any key numpy can sort, one row of a 2-D array for a pair), the assessor's id and the value."""
    keys = np.asarray(item_keys)
    people = np.asarray(assessors, dtype=np.int64)
    scores = np.asarray(values, dtype=np.float64)
    if not people.size:
        return []
    _, item_index = np.unique(keys, return_inverse=True, axis=0 if keys.ndim > 1 else None)
    item_index = item_index.ravel()
    ids, person_index = np.unique(people, return_inverse=True)
    person_index = person_index.ravel()
    mean, n, error = _differences(item_index, person_index, scores, ids.size)
    flagged = _flag(item_index, person_index, scores, ids.size)
    scored = np.bincount(person_index, minlength=ids.size)
    per_point = [np.bincount(person_index[scores == point], minlength=ids.size) for point in scale_points]
    return [
        Leniency(
            assessor=int(assessor),
            difference=_figure(mean, n, i, 1),
            shared=int(n[i]),
            standard_error=_figure(error, n, i, 2),
            scored=int(scored[i]),
            distribution=tuple((int(point), int(column[i])) for point, column in zip(scale_points, per_point)),
            flagged=i in flagged,
        )
        for i, assessor in enumerate(ids)
    ]
