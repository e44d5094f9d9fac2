"""Leniency (services/assessment/leniency.py): each assessor's scores against the rest of the panel's on the
items they share, the rule that draws attention to a difference, and the words it is described in."""

from __future__ import annotations

import math
import random

import pytest

from recruit.services.assessment.leniency import Leniency, leniency

SCALE = list(range(1, 8))


def panel(rng: random.Random, items: int, assessors: int, bias: dict[int, int]) -> tuple[list, list, list]:
    """Every assessor scores every item: its true value (3 to 5) give or take a point, plus their bias."""
    keys, people, values = [], [], []
    for item in range(items):
        true = rng.randint(3, 5)
        for person in range(1, assessors + 1):
            keys.append(item)
            people.append(person)
            values.append(true + rng.choice((-1, 0, 0, 1)) + bias.get(person, 0))
    return keys, people, values


def test_an_assessor_who_always_scores_a_point_higher_is_the_only_one_flagged():
    keys, people, values = panel(random.Random(18), items=80, assessors=5, bias={3: 1})
    result = leniency(keys, people, values, SCALE)
    assert [entry.assessor for entry in result] == [1, 2, 3, 4, 5]
    assert [entry.assessor for entry in result if entry.flagged] == [3]
    lenient = result[2]
    assert lenient.shared == 80 and lenient.difference == pytest.approx(1.0, abs=0.2)
    assert lenient.sentence == ("scores on average 1.0 higher than the rest of the panel on 80 shared items")


@pytest.mark.parametrize("seed", range(10))
def test_on_a_panel_of_three_only_the_assessor_a_point_higher_is_flagged(seed):
    # Against "the rest of the panel" (which includes the high scorer) the other two are half a point lower and
    # meet the rule themselves; set beside each other alone, they agree.
    keys, people, values = panel(random.Random(seed), items=40, assessors=3, bias={2: 1})
    result = leniency(keys, people, values, SCALE)
    assert [entry.assessor for entry in result if entry.flagged] == [2]
    assert result[1].difference == pytest.approx(1.0, abs=0.3)
    assert all(entry.difference < 0 for entry in (result[0], result[2]))


def test_two_assessors_out_of_line_are_both_flagged():
    keys, people, values = panel(random.Random(7), items=60, assessors=5, bias={1: 2, 4: -2})
    assert [entry.assessor for entry in leniency(keys, people, values, SCALE) if entry.flagged] == [1, 4]


def test_a_panel_without_bias_flags_nobody():
    for seed in range(5):
        keys, people, values = panel(random.Random(seed), items=60, assessors=3, bias={})
        assert [entry for entry in leniency(keys, people, values, SCALE) if entry.flagged] == []


def test_differences_counts_and_standard_errors_by_hand():
    # Item 1: A 3, B 2. Item 2: A 4, B 2, C 3. Item 3: A alone. Item 4: A 2, C 4. D scores only alone.
    rows = [(1, "A", 3), (1, "B", 2), (2, "A", 4), (2, "B", 2), (2, "C", 3), (3, "A", 5), (4, "A", 2), (4, "C", 4)]
    rows += [(5, "D", 6)]
    ids = {"A": 10, "B": 20, "C": 30, "D": 40}
    result = {
        entry.assessor: entry
        for entry in leniency([r[0] for r in rows], [ids[r[1]] for r in rows], [r[2] for r in rows], SCALE)
    }
    a, b, c, d = (result[ids[name]] for name in "ABCD")
    # A: +1, 4 - 2.5 = +1.5 and 2 - 4 = -2.
    assert (a.shared, a.scored) == (3, 4)
    assert a.difference == pytest.approx(0.5 / 3)
    deviations = [1 - 0.5 / 3, 1.5 - 0.5 / 3, -2 - 0.5 / 3]
    assert a.standard_error == pytest.approx(math.sqrt(sum(x * x for x in deviations) / 2) / math.sqrt(3))
    assert a.distribution == ((1, 0), (2, 1), (3, 1), (4, 1), (5, 1), (6, 0), (7, 0))
    # B: -1 and 2 - 3.5 = -1.5.
    assert (b.shared, b.difference, b.standard_error) == (2, pytest.approx(-1.25), pytest.approx(0.25))
    # C: 3 - 3 = 0 and 4 - 2 = +2.
    assert (c.shared, c.difference, c.standard_error) == (2, pytest.approx(1.0), pytest.approx(1.0))
    # D shares nothing.
    assert (d.shared, d.difference, d.standard_error, d.scored) == (0, None, None, 1)
    assert not any(entry.flagged for entry in result.values())


def test_one_shared_item_has_no_standard_error():
    (first, second) = leniency([1, 1], [1, 2], [4, 6], SCALE)
    assert (first.shared, first.difference, first.standard_error, first.flagged) == (1, -2.0, None, False)
    assert second.sentence == "scores on average 2.0 higher than the rest of the panel on 1 shared item"


def entry(difference: float | None, shared: int, error: float | None) -> Leniency:
    return Leniency(1, difference, shared, error, shared, ())


@pytest.mark.parametrize(
    ("difference", "shared", "error", "flagged"),
    [
        (0.5, 10, 0.25, True),  # every threshold met exactly
        (-0.5, 10, 0.25, True),
        (0.1 + 0.2 + 0.2, 10, 0.25, True),  # half a point in floating point
        (0.49, 10, 0.1, False),  # too small a difference
        (0.8, 9, 0.1, False),  # too few items
        (0.8, 10, 0.41, False),  # under two standard errors
        (1.0, 24, 0.0, True),  # the same point higher every time
        (0.0, 24, 0.0, False),
        (None, 0, None, False),
    ],
)
def test_the_rule_that_flags(difference, shared, error, flagged):
    assert entry(difference, shared, error).meets_rule is flagged


@pytest.mark.parametrize(
    ("difference", "shared", "sentence", "text"),
    [
        (0.8, 24, "scores on average 0.8 higher than the rest of the panel on 24 shared items", "+0.8"),
        (-0.84, 12, "scores on average 0.8 lower than the rest of the panel on 12 shared items", "-0.8"),
        (0.04, 30, "scores on average the same as the rest of the panel on 30 shared items", "0.0"),
        (-0.04, 30, "scores on average the same as the rest of the panel on 30 shared items", "0.0"),
        (None, 0, "has no items scored by the rest of the panel yet", ""),
    ],
)
def test_the_words(difference, shared, sentence, text):
    assert entry(difference, shared, 0.1).sentence == sentence
    assert entry(difference, shared, 0.1).difference_text == text


def test_items_may_be_keyed_by_application_and_criterion():
    keys = [(1, 1), (1, 1), (1, 2), (1, 2), (2, 1), (2, 1)]
    result = leniency(keys, [1, 2, 1, 2, 1, 2], [4, 5, 3, 5, 6, 6], SCALE)
    assert [e.difference for e in result] == [pytest.approx(-1.0), pytest.approx(1.0)]
    assert [e.shared for e in result] == [3, 3]


def test_no_scores_no_entries():
    assert leniency([], [], [], SCALE) == []
