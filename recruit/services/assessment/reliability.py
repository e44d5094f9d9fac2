"""How far a panel's independent scores agree: Krippendorff's alpha from the coincidence matrix, with a
bootstrap interval, in numpy alone (no database).

Alpha = 1 - D_o / D_e, the disagreement observed between scores given to the same unit over the disagreement
expected if the same scores had been given at random. Every unit with m >= 2 values adds, for each ordered
pair of values (c, k) from different scorers, 1 / (m - 1) to the coincidence o[c, k]; the margins n_c = sum_k
o[c, k] count the pairable values, n in all. Then

    alpha = 1 - (n - 1) * sum o[c, k] d[c, k] / sum n_c n_k d[c, k]

with d the squared distance of the metric: nominal (0 or 1), ordinal (the number of values lying between
c and k, from the margins), interval ((c - k)^2) or ratio (((c - k) / (c + k))^2).

The interval resamples units with replacement. A unit's contribution to the coincidences depends only on its
values, so units with the same values are pooled: the number of times each kind of unit is drawn in a
resample of N units is multinomial over the kinds' shares, which is the same distribution as drawing the
units one by one, at a fraction of the cost. Every draw's coincidences are then one matrix product.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from recruit.labels import RELIABILITY_LABELS


class Metric(StrEnum):
    NOMINAL = "nominal"
    ORDINAL = "ordinal"
    INTERVAL = "interval"
    RATIO = "ratio"


class Judgement(StrEnum):
    JUDGED = "judged"
    TOO_FEW = "too_few"  # below the floors: too few units or pairable values to say anything
    NO_VARIATION = "no_variation"  # every pairable value the same: alpha is undefined


# Below either floor the figure is not shown.
MIN_UNITS: Final = 10
MIN_PAIRABLE: Final = 20
DRAWS: Final = 1000
SEED: Final = 2011
# Bounds the memory of one matrix product when units rarely share their values (continuous scores).
_CELLS_PER_CHUNK: Final = 4_000_000

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)  # arrays: compare their figures, not the holders
class Units:
    """Units' values as counts: counts[u, i] is how many scorers gave unit u the value values[i]. Only units
    with at least two values are kept; the others cannot be paired and take no part."""

    values: FloatArray  # the distinct values, ascending
    counts: IntArray  # (units, values)

    @classmethod
    def from_pairs(cls, unit_keys: npt.ArrayLike, values: npt.ArrayLike) -> Units:
        """From one row per score: the unit it belongs to (any key numpy can sort) and its value."""
        _, distinct, counts = count_matrix(unit_keys, values)
        return cls.from_counts(distinct, counts)

    @classmethod
    def from_counts(cls, values: FloatArray, counts: IntArray) -> Units:
        pairable = counts[counts.sum(axis=1) >= 2]
        used = pairable.sum(axis=0) > 0  # a value given only in single-value units plays no part
        return cls(np.asarray(values, dtype=np.float64)[used], pairable[:, used].astype(np.int64))

    @classmethod
    def from_lists(cls, values_by_unit: Iterable[Iterable[float | None]]) -> Units:
        """From each unit's values, missing ones given as None (or NaN) or left out."""
        keys: list[int] = []
        scores: list[float] = []
        for unit, unit_values in enumerate(values_by_unit):
            for value in unit_values:
                if value is not None and not math.isnan(value):
                    keys.append(unit)
                    scores.append(float(value))
        return cls.from_pairs(np.asarray(keys, dtype=np.int64), np.asarray(scores))

    @property
    def units(self) -> int:
        return int(self.counts.shape[0])

    @property
    def pairable(self) -> int:
        return int(self.counts.sum())


def count_matrix(unit_keys: npt.ArrayLike, values: npt.ArrayLike) -> tuple[npt.NDArray[Any], FloatArray, IntArray]:
    """From one row per score (its unit's key, any key numpy can sort, and its value): the distinct keys, the
    distinct values and counts[u, i], how many times unit u was given the value values[i]."""
    keys, scores = np.asarray(unit_keys), np.asarray(values, dtype=np.float64)
    if keys.shape[0] != scores.shape[0]:
        raise ValueError("one unit key per value")
    if scores.size == 0:
        return keys[:0], np.empty(0), np.empty((0, 0), dtype=np.int64)
    distinct, value_index = np.unique(scores, return_inverse=True)
    unique_keys, unit_index = np.unique(keys, return_inverse=True, axis=0 if keys.ndim > 1 else None)
    counts = np.bincount(
        unit_index.ravel() * distinct.size + value_index.ravel(), minlength=unique_keys.shape[0] * distinct.size
    ).reshape(unique_keys.shape[0], distinct.size)
    return unique_keys, distinct, counts.astype(np.int64)


@dataclass(frozen=True)
class Reliability:
    """Alpha for one set of scores, ready to show: the figure to two places and its 95% interval, or why there
    is none."""

    metric: Metric
    alpha: float | None  # None when undefined (no variation) or not judged
    low: float | None  # the 95% bootstrap interval, None when not judged
    high: float | None
    units: int  # units with at least two values
    pairable: int  # values in those units
    judgement: Judgement
    draws: int = 0

    @property
    def judged(self) -> bool:
        return self.judgement == Judgement.JUDGED

    @property
    def alpha_text(self) -> str:
        """ "0.74", or why there is no figure ("too few scores to judge yet")."""
        if self.judged and self.alpha is not None:
            return _two_places(self.alpha)
        return RELIABILITY_LABELS[self.judgement]

    @property
    def interval_text(self) -> str:
        """ "0.61 to 0.83", or nothing when there is no figure."""
        if self.judged and self.low is not None and self.high is not None:
            return f"{_two_places(self.low)} to {_two_places(self.high)}"
        return ""


def _two_places(value: float) -> str:
    return f"{round(value, 2) + 0.0:.2f}"  # + 0.0: never "-0.00"


def alpha(values_by_unit: Iterable[Iterable[float | None]], metric: Metric | str = Metric.INTERVAL) -> float | None:
    """Krippendorff's alpha for each unit's values (missing ones None or left out); None when undefined, as
    when every pairable value is the same."""
    return alpha_of(Units.from_lists(values_by_unit), Metric(metric))


def alpha_of(units: Units, metric: Metric) -> float | None:
    if units.units == 0:
        return None
    coincidence = _coincidences(units.counts)
    marginals = coincidence.sum(axis=1)
    distance = _distances(units.values, marginals[np.newaxis, :], metric)[0]
    total = float(marginals.sum())
    expected = float(marginals @ distance @ marginals)
    if expected <= 0:
        return None
    return 1.0 - (total - 1.0) * float((coincidence * distance).sum()) / expected


def assess(
    units: Units,
    metric: Metric | str,
    draws: int = DRAWS,
    seed: int = SEED,
    min_units: int = MIN_UNITS,
    min_pairable: int = MIN_PAIRABLE,
) -> Reliability:
    """Alpha with its 95% bootstrap interval (units resampled with replacement, `draws` times, seeded), or the
    reason there is none to show."""
    (result,) = assess_each(units, (Metric(metric),), draws, seed, min_units, min_pairable)
    return result


def assess_each(
    units: Units,
    metrics: Sequence[Metric | str],
    draws: int = DRAWS,
    seed: int = SEED,
    min_units: int = MIN_UNITS,
    min_pairable: int = MIN_PAIRABLE,
) -> tuple[Reliability, ...]:
    """assess() on several metrics, from the same resamples (drawn once).

    The figures depend on nothing but the arguments (the resamples are seeded), so each process keeps the latest
    ones: the moderation board works them out afresh on every load, and while the chair moderates the panel's
    submitted scores rarely change, so the bootstrap (most of the board's time) runs again only when they do."""
    chosen = tuple(Metric(m) for m in metrics)
    # A digest rather than the numbers themselves: a large sift's units are megabytes, and 256 keys are kept.
    key = (
        hashlib.blake2b(units.values.tobytes(), digest_size=32).digest(),
        units.counts.shape,
        hashlib.blake2b(units.counts.tobytes(), digest_size=32).digest(),
        chosen,
        draws,
        seed,
        min_units,
        min_pairable,
    )
    with _figures_lock:
        known = _figures.get(key)
        if known is not None:
            _figures.move_to_end(key)
            return known
    results = _assess_each(units, chosen, draws, seed, min_units, min_pairable)
    with _figures_lock:
        _figures[key] = results
        while len(_figures) > _FIGURES_KEPT:
            _figures.popitem(last=False)
    return results


# The figures of the latest sets of scores assessed in this process: a stage's overall figure and one per
# criterion for each of the last few dozen campaigns looked at. Reliability is immutable, so they are shared.
_FIGURES_KEPT: Final = 256
_figures: OrderedDict[tuple[object, ...], tuple[Reliability, ...]] = OrderedDict()
_figures_lock = threading.Lock()


def forget_figures() -> None:
    """Drop the figures kept (for timing the computation itself)."""
    with _figures_lock:
        _figures.clear()


def _assess_each(
    units: Units, metrics: tuple[Metric, ...], draws: int, seed: int, min_units: int, min_pairable: int
) -> tuple[Reliability, ...]:
    count, pairable = units.units, units.pairable
    if count < min_units or pairable < min_pairable:
        return tuple(Reliability(Metric(m), None, None, None, count, pairable, Judgement.TOO_FEW) for m in metrics)
    values = {Metric(m): alpha_of(units, Metric(m)) for m in metrics}
    resampled = _resample(units, draws, seed) if any(v is not None for v in values.values()) else None
    results = []
    for metric, value in values.items():
        if value is None or resampled is None:
            results.append(Reliability(metric, None, None, None, count, pairable, Judgement.NO_VARIATION))
            continue
        low, high = _percentiles(_alphas(resampled, units.values, metric))
        if math.isnan(low):  # no resample varied: a figure, but no interval to give
            results.append(Reliability(metric, value, None, None, count, pairable, Judgement.JUDGED, draws))
            continue
        results.append(Reliability(metric, value, low, high, count, pairable, Judgement.JUDGED, draws))
    return tuple(results)


def bootstrap_alphas(units: Units, metric: Metric | str, draws: int = DRAWS, seed: int = SEED) -> FloatArray:
    """Alpha in each of `draws` resamples of the units (NaN where a resample has no variation)."""
    return _alphas(_resample(units, draws, seed), units.values, Metric(metric))


def bootstrap(units: Units, metric: Metric | str, draws: int = DRAWS, seed: int = SEED) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles of alpha over the resamples."""
    return _percentiles(bootstrap_alphas(units, metric, draws, seed))


def _percentiles(alphas: FloatArray) -> tuple[float, float]:
    if np.isnan(alphas).all():
        return math.nan, math.nan
    low, high = np.nanpercentile(alphas, [2.5, 97.5])
    return float(low), float(high)


def _kinds(counts: IntArray) -> tuple[IntArray, IntArray]:
    """The distinct rows of counts (the kinds of unit) and how many units are of each kind."""
    base = int(counts.max()) + 1 if counts.size else 1
    if counts.shape[1] * math.log2(base) < 62:
        # Each row as one number in base (largest count + 1): sorting numbers is far quicker than sorting rows.
        key = counts @ (base ** np.arange(counts.shape[1], dtype=np.int64))
        _, first, shares = np.unique(key, return_index=True, return_counts=True)
        return counts[first], shares
    kinds, shares = np.unique(counts, axis=0, return_counts=True)
    return kinds, shares


def _resample(units: Units, draws: int, seed: int) -> FloatArray:
    """The coincidence matrix of each of `draws` resamples of the units, shape (draws, values, values)."""
    kinds, shares = _kinds(units.counts)
    size = kinds.shape[1]
    # Each kind of unit's coincidences, flattened: (kinds, values²).
    per_kind = _unit_coincidences(kinds).reshape(kinds.shape[0], size * size)
    rng = np.random.default_rng(seed)
    drawn = rng.multinomial(units.units, shares / shares.sum(), size=draws).astype(np.float64)  # (draws, kinds)
    chunk = max(1, _CELLS_PER_CHUNK // max(1, kinds.shape[0]))
    return np.concatenate([drawn[start : start + chunk] @ per_kind for start in range(0, draws, chunk)]).reshape(
        draws, size, size
    )


def _alphas(coincidence: FloatArray, values: FloatArray, metric: Metric) -> FloatArray:
    marginals = coincidence.sum(axis=2)  # (draws, values)
    distance = _distances(values, marginals, metric)  # (draws, values, values)
    observed = np.einsum("bck,bck->b", coincidence, distance)
    expected = np.einsum("bc,bck,bk->b", marginals, distance, marginals)
    total = marginals.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.where(expected > 0, 1.0 - (total - 1.0) * observed / expected, np.nan), dtype=np.float64)


def _unit_coincidences(counts: IntArray) -> FloatArray:
    """Each unit's coincidences: (n_u n_u^T - diag(n_u)) / (m_u - 1), shape (units, values, values)."""
    weights = 1.0 / (counts.sum(axis=1) - 1.0)
    pairs = counts[:, :, np.newaxis] * counts[:, np.newaxis, :] - _diagonal(counts)
    return np.asarray(pairs * weights[:, np.newaxis, np.newaxis], dtype=np.float64)


def _coincidences(counts: IntArray) -> FloatArray:
    """The summed coincidence matrix without building every unit's: C^T W C - diag(sum_u w_u n_u)."""
    weights = 1.0 / (counts.sum(axis=1) - 1.0)
    weighted = counts * weights[:, np.newaxis]
    return np.asarray(weighted.T @ counts - np.diag(weighted.sum(axis=0)), dtype=np.float64)


def _diagonal(counts: IntArray) -> IntArray:
    diagonal = np.zeros((*counts.shape, counts.shape[1]), dtype=counts.dtype)
    index = np.arange(counts.shape[1])
    diagonal[:, index, index] = counts
    return diagonal


def _distances(values: FloatArray, marginals: FloatArray, metric: Metric) -> FloatArray:
    """The squared distances between values, shape (rows of marginals, values, values); only the ordinal metric
    depends on the marginals."""
    rows, size = marginals.shape[0], values.size
    if metric == Metric.ORDINAL:
        # Between ranks c <= k: sum of n_g for g from c to k, less (n_c + n_k) / 2; the cumulative sums give
        # cum_k - cum_c + (n_c - n_k) / 2, whose square is the same read either way round.
        cumulative = np.cumsum(marginals, axis=1)
        between = (
            cumulative[:, np.newaxis, :]
            - cumulative[:, :, np.newaxis]
            + (marginals[:, :, np.newaxis] - marginals[:, np.newaxis, :]) / 2.0
        )
        return np.asarray(between**2, dtype=np.float64)
    c, k = values[:, np.newaxis], values[np.newaxis, :]
    if metric == Metric.NOMINAL:
        fixed = (c != k).astype(np.float64)
    elif metric == Metric.INTERVAL:
        fixed = (c - k) ** 2
    else:
        total = c + k
        with np.errstate(divide="ignore", invalid="ignore"):
            fixed = np.where(total != 0, ((c - k) / np.where(total != 0, total, 1.0)) ** 2, 0.0)
    return np.broadcast_to(fixed, (rows, size, size))


def reliability(
    values_by_unit: Sequence[Iterable[float | None]] | Units,
    metric: Metric | str,
    draws: int = DRAWS,
    seed: int = SEED,
) -> Reliability:
    """assess() for each unit's values given as lists."""
    units = values_by_unit if isinstance(values_by_unit, Units) else Units.from_lists(values_by_unit)
    return assess(units, metric, draws, seed)
