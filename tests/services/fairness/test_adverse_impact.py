"""Selection rates, the four-fifths rule and Fisher's exact test, from counts alone."""

from __future__ import annotations

import pytest
from scipy.stats import fisher_exact

from recruit.services.fairness.adverse_impact import build, rates


def test_the_issues_figures_give_ratios_one_and_five_eighths_the_second_flagged() -> None:
    figures = rates({"a": (120, 48), "b": (80, 20)})
    assert figures["a"].rate == pytest.approx(0.4)
    assert figures["b"].rate == pytest.approx(0.25)
    assert figures["a"].ratio == pytest.approx(1.0)
    assert figures["b"].ratio == pytest.approx(0.625)
    assert not figures["a"].flagged
    assert figures["b"].flagged
    expected = fisher_exact([[48, 72], [20, 60]], alternative="two-sided").pvalue
    assert figures["a"].p_value == pytest.approx(expected)
    assert figures["b"].p_value == pytest.approx(fisher_exact([[20, 60], [48, 72]]).pvalue)


def test_prefer_not_to_say_is_never_the_group_compared_against() -> None:
    figures = rates({"female": (50, 25), "male": (50, 20), "prefer_not_to_say": (20, 20)})
    assert figures["female"].ratio == pytest.approx(1.0)
    assert figures["male"].ratio == pytest.approx(0.8)
    assert not figures["male"].flagged  # exactly four-fifths is not below it
    assert figures["prefer_not_to_say"].ratio == pytest.approx(2.0)


def test_a_group_nobody_reached_has_no_rate() -> None:
    assert rates({"a": (0, 0), "b": (10, 5)})["a"].rate is None


def _sex_counts(female: tuple[int, int], male: tuple[int, int], blank: tuple[int, int]) -> dict[int, dict]:
    """Applied -> passed pre-sift counts for one campaign, as (reached applied, reached pre-sift)."""
    per = {}
    for code, (applied, passed) in (("female", female), ("male", male), ("not_answered", blank)):
        per[("sex", code)] = {"applied": applied - passed, "presift": passed}
    return {1: per}


def test_the_table_shows_counts_rates_and_the_flag() -> None:
    characteristics = build(_sex_counts((120, 48), (80, 20), (30, 15)), {1: frozenset({"applied", "presift"})})
    sex = next(c for c in characteristics if c.key == "sex")
    presift = sex.transitions[0]
    assert presift.reached and presift.stage == "presift"
    rows = {row.group: row for row in presift.rows}
    assert (rows["female"].considered, rows["female"].selected) == (120, 48)
    assert rows["female"].ratio == pytest.approx(1.0)
    assert rows["male"].ratio == pytest.approx(0.625) and rows["male"].flagged
    assert rows["not_answered"].label == "Not answered"
    assert (presift.total_considered, presift.total_selected) == (230, 83)
    # The sift was not decided: "not reached yet", with no rows, rather than everyone failing it.
    assert not sex.transitions[1].reached and sex.transitions[1].rows == []


def test_a_group_of_seven_is_suppressed_with_the_next_smallest_and_nothing_shows_it() -> None:
    characteristics = build(_sex_counts((120, 48), (7, 3), (40, 12)), {1: frozenset({"applied", "presift"})})
    sex = next(c for c in characteristics if c.key == "sex")
    rows = {row.group: row for row in sex.transitions[0].rows}
    assert rows["male"].considered is None and rows["male"].selected is None
    assert rows["male"].rate is None and rows["male"].ratio is None and rows["male"].p_value is None
    # The blank group is the next smallest: hidden too, so the total less the shown groups leaves two unknowns.
    assert rows["not_answered"].considered is None and rows["not_answered"].selected is None
    assert rows["female"].considered == 120
    table = sex.transitions[0]
    shown = sum(r.considered for r in table.rows if r.considered is not None)
    assert table.total_considered is not None
    assert table.total_considered - shown == 47  # the 7 and the 40 together, not the 7 alone


def test_broad_ethnic_groups_cannot_give_away_a_detailed_answer() -> None:
    per = {
        ("ethnicity", "asian_indian"): {"applied": 30},
        ("ethnicity", "asian_pakistani"): {"applied": 5},
        ("ethnicity", "white_british"): {"applied": 40},
        ("ethnicity", "white_irish"): {"applied": 20},
    }
    characteristics = {c.key: c for c in build({1: per}, {1: frozenset({"applied", "presift"})})}
    detailed = {r.group: r.considered for r in characteristics["ethnicity"].transitions[0].rows}
    broad = {r.group: r.considered for r in characteristics["ethnic_group"].transitions[0].rows}
    assert detailed["asian_pakistani"] is None
    # Asian (35) less Indian (30) would give the 5 away: one of them is hidden.
    assert broad["Asian or Asian British"] is None or detailed["asian_indian"] is None
