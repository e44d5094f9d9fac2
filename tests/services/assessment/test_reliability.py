"""Krippendorff's alpha (services/assessment/reliability.py): the published worked example on every metric, its
properties, the floors below which no figure is shown, and the bootstrap interval."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from recruit.services.assessment.reliability import (
    Judgement,
    Metric,
    Units,
    alpha,
    assess,
    assess_each,
    bootstrap,
    bootstrap_alphas,
    forget_figures,
    reliability,
)

# Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011): 4 observers × 12 units, "." missing.
OBSERVERS = (
    "1 2 3 3 2 1 4 1 2 . . .",
    "1 2 3 3 2 2 4 1 2 5 . 3",
    ". 3 3 3 2 3 4 2 2 5 1 .",
    "1 2 3 3 2 4 4 1 2 5 1 .",
)
MATRIX = [[None if cell == "." else float(cell) for cell in row.split()] for row in OBSERVERS]
WORKED = [[row[unit] for row in MATRIX] for unit in range(12)]
PUBLISHED = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}


def by_pairs(values_by_unit, metric: str) -> float:
    """Alpha from its definition over pairs of values, without a coincidence matrix, to check against."""
    units = [[v for v in unit if v is not None] for unit in values_by_unit]
    units = [unit for unit in units if len(unit) >= 2]
    pooled = [v for unit in units for v in unit]
    n, frequency = len(pooled), {v: pooled.count(v) for v in set(pooled)}

    def distance(c: float, k: float) -> float:
        if metric == "nominal":
            return float(c != k)
        if metric == "interval":
            return (c - k) ** 2
        if metric == "ratio":
            return ((c - k) / (c + k)) ** 2 if c + k else 0.0
        low, high = min(c, k), max(c, k)
        return (sum(f for v, f in frequency.items() if low <= v <= high) - (frequency[c] + frequency[k]) / 2) ** 2

    observed = sum(distance(a, b) / (len(unit) - 1) for unit in units for a, b in itertools.permutations(unit, 2))
    expected = sum(distance(a, b) for a, b in itertools.permutations(pooled, 2)) / (n - 1)
    return 1 - observed / expected


def panel_scores(rng: random.Random, units: int, scorers: int = 3, missing: float = 0.2) -> list[list[float | None]]:
    """Scores on a 1 to 7 scale that mostly agree within a point, some missing."""
    data = []
    for _ in range(units):
        base = rng.randint(2, 6)
        data.append(
            [
                None if rng.random() < missing else float(min(7, max(1, base + rng.choice((-1, 0, 0, 1)))))
                for _ in range(scorers)
            ]
        )
    return data


@pytest.mark.parametrize("metric", list(PUBLISHED))
def test_the_published_worked_example(metric):
    assert round(alpha(WORKED, metric), 3) == PUBLISHED[metric]


@pytest.mark.parametrize("metric", list(PUBLISHED))
def test_the_coincidence_matrix_gives_what_the_definition_over_pairs_gives(metric):
    rng = random.Random(7)
    for _ in range(5):
        data = panel_scores(rng, 25, scorers=4)
        assert alpha(data, metric) == pytest.approx(by_pairs(data, metric), abs=1e-12)


@pytest.mark.parametrize("metric", list(PUBLISHED))
def test_perfect_agreement_gives_one(metric):
    data = [[v, v, v] for v in (1.0, 2.0, 3.0, 4.0, 5.0, 2.0)] + [[6.0, 6.0, None]]
    assert alpha(data, metric) == pytest.approx(1.0)


@pytest.mark.parametrize("metric", ["interval", "ordinal", "nominal"])
@pytest.mark.parametrize("shift", [-3.0, 1.0, 10.5])
def test_shifting_every_score_by_a_constant_changes_nothing(metric, shift):
    for data in (WORKED, panel_scores(random.Random(11), 40)):
        shifted = [[None if v is None else v + shift for v in unit] for unit in data]
        assert alpha(shifted, metric) == pytest.approx(alpha(data, metric), abs=1e-12)


@pytest.mark.parametrize("metric", list(PUBLISHED))
def test_reordering_units_or_observers_changes_nothing(metric):
    rng = random.Random(3)
    expected = alpha(WORKED, metric)
    for _ in range(10):
        units = WORKED[:]
        rng.shuffle(units)
        assert alpha(units, metric) == pytest.approx(expected, abs=1e-12)
        observers = list(range(4))
        rng.shuffle(observers)
        assert alpha([[unit[o] for o in observers] for unit in WORKED], metric) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("metric", list(PUBLISHED))
def test_units_with_one_value_are_ignored(metric):
    # The worked example's unit 12 has one value (3) already; more such units, with values seen nowhere else too.
    more = [*WORKED, [None, 9.0, None, None], [1.0, None, None, None], [None, None, None, None]]
    assert alpha(more, metric) == pytest.approx(alpha(WORKED, metric), abs=1e-12)
    assert reliability(more, metric).units == reliability(WORKED, metric).units == 11
    assert reliability(more, metric).pairable == 40


def test_units_and_pairable_values_are_counted():
    units = Units.from_lists(WORKED)
    assert (units.units, units.pairable) == (11, 40)
    assert units.values.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    by_key = Units.from_pairs(np.array([[1, 1], [1, 1], [1, 2], [1, 2], [1, 2], [2, 1]]), [3, 4, 3, 3, 5, 6])
    assert (by_key.units, by_key.pairable) == (2, 5)


def test_below_ten_units_there_is_no_figure():
    data = panel_scores(random.Random(5), 9, missing=0)
    result = reliability(data, Metric.ORDINAL)
    assert (result.units, result.pairable) == (9, 27)
    assert result.judgement == Judgement.TOO_FEW and not result.judged
    assert (result.alpha, result.low, result.high) == (None, None, None)
    assert result.alpha_text == "too few scores to judge yet"
    assert result.interval_text == ""


def test_ten_units_of_two_values_are_enough():
    data = [[float(v), float(v + (v % 2))] for v in range(1, 11)]
    result = reliability(data, Metric.INTERVAL)
    assert (result.units, result.pairable, result.judged) == (10, 20, True)


def test_below_twenty_pairable_values_there_is_no_figure():
    data = [[float(v), float(v)] for v in range(1, 10)]  # 9 units: 18 values
    result = assess(Units.from_lists(data), Metric.INTERVAL, min_units=5)
    assert (result.units, result.pairable, result.judgement) == (9, 18, Judgement.TOO_FEW)


def test_when_every_score_is_the_same_alpha_is_undefined_not_an_error():
    data = [[4.0, 4.0, 4.0] for _ in range(12)]
    for metric in PUBLISHED:
        assert alpha(data, metric) is None
        result = reliability(data, metric)
        assert result.judgement == Judgement.NO_VARIATION and not result.judged
        assert result.alpha is None
        assert result.alpha_text == "every score is the same, so there is no variation to measure agreement on"
    assert alpha([], "interval") is None


def test_the_figures_as_shown():
    result = reliability(WORKED, Metric.INTERVAL)
    assert result.judged and round(result.alpha, 3) == 0.849
    assert result.alpha_text == "0.85"
    assert result.interval_text == f"{result.low:.2f} to {result.high:.2f}"


def test_the_bootstrap_interval_holds_alpha_and_is_the_same_each_time():
    units = Units.from_lists(panel_scores(random.Random(1), 200))
    for metric in ("ordinal", "interval"):
        result = assess(units, metric)
        assert result.judged and result.draws == 1000
        assert result.low < result.alpha < result.high
        assert assess(units, metric) == result
        assert assess(units, metric, seed=99) != result
    assert bootstrap_alphas(units, "ordinal").shape == (1000,)


@pytest.mark.parametrize("metric", ["ordinal", "interval"])
def test_pooling_alike_units_resamples_as_drawing_units_one_by_one_does(metric):
    data = panel_scores(random.Random(2), 150)
    units = Units.from_lists(data)
    pairable = [unit for unit in data if sum(v is not None for v in unit) >= 2]
    rng = np.random.default_rng(4)
    naive = [alpha([pairable[i] for i in rng.integers(0, len(pairable), len(pairable))], metric) for _ in range(2000)]
    low, high = bootstrap(units, metric, draws=2000)
    assert low == pytest.approx(np.percentile(naive, 2.5), abs=0.02)
    assert high == pytest.approx(np.percentile(naive, 97.5), abs=0.02)


def test_the_worked_example_bootstrap_holds_the_published_figure():
    low, high = bootstrap(Units.from_lists(WORKED), "interval")
    assert low < 0.849 < high <= 1.0


def test_several_metrics_from_one_set_of_resamples_are_each_metric_on_its_own():
    units = Units.from_lists(panel_scores(random.Random(8), 60))
    together = assess_each(units, ("ordinal", "interval", "nominal", "ratio"))
    assert together == tuple(assess(units, metric) for metric in ("ordinal", "interval", "nominal", "ratio"))


def test_figures_kept_from_the_same_scores_are_those_worked_out_afresh_and_changed_scores_are_worked_out_again():
    data = panel_scores(random.Random(12), 90)
    first = assess_each(Units.from_lists(data), ("ordinal", "interval"))
    again = assess_each(Units.from_lists(data), ("ordinal", "interval"))
    forget_figures()
    fresh = assess_each(Units.from_lists(data), ("ordinal", "interval"))
    assert again is first, "the same scores read again: the figures kept"
    assert fresh == first and fresh is not first, "worked out afresh, they are the same figures"
    assert assess_each(Units.from_lists(data), ("ordinal", "interval"), seed=99) != first
    changed = [list(unit) for unit in data]
    changed[0] = [1.0, 7.0, 4.0]  # one unit's scores far apart
    assert assess_each(Units.from_lists(changed), ("ordinal", "interval")) != first


def test_many_distinct_values_resample_too():
    rng = random.Random(9)
    data = []
    for _ in range(80):
        true = rng.uniform(0, 100)
        data.append([round(true + rng.gauss(0, 5), 1) for _ in range(3)])
    units = Units.from_lists(data)
    assert units.values.size > 62  # too many to number each unit's counts: its rows are sorted instead
    result = assess(units, "interval")
    assert result.judged and result.low < result.alpha < result.high
