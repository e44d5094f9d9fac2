"""Suppression: small counts hidden, and no hidden count recoverable by subtraction from what is shown."""

from __future__ import annotations

import random

from recruit.services.fairness.adverse_impact import build
from recruit.services.fairness.stages import STAGES
from recruit.services.fairness.suppression import Sum, derivable, suppress


def test_a_lone_small_count_takes_the_next_smallest_with_it() -> None:
    values = {"a": 120, "b": 7, "c": 40, "d": 60, "total": 227}
    hidden = suppress(values, [Sum("total", ["a", "b", "c", "d"])])
    assert hidden == {"b", "c"}
    assert derivable(values, [Sum("total", ["a", "b", "c", "d"])], hidden) == set()


def test_zero_is_suppressed() -> None:
    assert "b" in suppress({"a": 20, "b": 0, "c": 30, "t": 50}, [Sum("t", ["a", "b", "c"])])


def test_a_total_made_of_one_hidden_part_is_hidden() -> None:
    values = {"a": 7, "t": 7}
    assert suppress(values, [Sum("t", ["a"])]) == {"a", "t"}


def test_random_tables_never_leave_a_hidden_count_recoverable() -> None:
    """Thousands of random tables, with nested sums (broad groups inside a total) and small counts: after
    suppression no chain of subtractions recovers a hidden number, and every count under 10 is hidden."""
    rng = random.Random(19)
    for _ in range(3000):
        groups = rng.randint(1, 7)
        values = {f"g{i}": rng.choice([0, 1, 3, 7, 9, 10, 12, 25, 60, 150]) for i in range(groups)}
        sums = [Sum("total", list(values))]
        values["total"] = sum(values[g] for g in list(values))
        if groups >= 3 and rng.random() < 0.5:
            members = rng.sample([f"g{i}" for i in range(groups)], 2)
            values["broad"] = sum(values[m] for m in members)
            sums.append(Sum("broad", members))
        hidden = suppress(values, sums)
        assert {k for k, v in values.items() if v < 10} <= hidden
        assert derivable(values, sums, hidden) == set(), (values, hidden)


def _random_campaign(rng: random.Random) -> dict:
    per = {}
    for code in ("female", "male", "prefer_not_to_say", "not_answered"):
        n = rng.choice([0, 3, 7, 12, 40, 120])
        if n:
            per[("sex", code)] = {stage: rng.choice([0, 1, 4, 8, 15, 30]) for stage in STAGES}
    for code in ("asian_indian", "asian_chinese", "white_british", "black_african", "mixed_other"):
        if rng.random() < 0.7:
            per[("ethnicity", code)] = {stage: rng.choice([0, 2, 5, 11, 30]) for stage in STAGES}
    return per


def test_built_figures_never_show_a_small_count_and_totals_less_shown_rows_never_give_one_away() -> None:
    rng = random.Random(7)
    for _ in range(60):
        counts = {1: _random_campaign(rng), 2: _random_campaign(rng)}
        reached = {1: frozenset(STAGES[: rng.randint(1, 6)]), 2: frozenset(STAGES[: rng.randint(1, 6)])}
        for characteristic in build(counts, reached):
            for table in characteristic.transitions:
                for column in ("considered", "selected"):
                    cells = [getattr(row, column) for row in table.rows]
                    assert all(c is None or c >= 10 for c in cells)
                    total = table.total_considered if column == "considered" else table.total_selected
                    hidden = [c for c in cells if c is None]
                    # With a total shown, one hidden cell alone could be worked out by subtraction.
                    assert total is None or len(hidden) != 1
                for row in table.rows:
                    if row.considered is None or row.selected is None:
                        assert row.rate is None and row.ratio is None and row.p_value is None
