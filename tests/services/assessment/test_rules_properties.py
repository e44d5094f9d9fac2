"""Property-based and hand-worked tests of the scoring rules (DESIGN §6).

The rules are pure functions (recruit.services.assessment.moderation_rules and recruit.services.assessment.ranking_rules), so
these tests check them against independent oracles written here: exact rational arithmetic
with fractions.Fraction for the proposal, and the definition of standard competition ranking
("1, =2, =2, 4") for the rank.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from recruit.services.assessment.moderation_rules import (
    ItemState,
    agreement_needs_rationale,
    is_discrepant,
    proposal,
    range_is_discrepant,
    spread,
    straddles_pass_mark,
)
from recruit.services.assessment.ranking_rules import CriterionRule, Result, evaluate, rank, tie_break_order

# The suite's autouse fixtures (a rolled-back transaction per test) are harmless here: these
# tests never touch the database, so re-running examples inside one fixture scope is fine.
rules_settings = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Scores on the seeded scales (0–6, 1–5, 1–7), and every value a scale point may take (0–100,
# recruit/services/frameworks/scales.py) for the arithmetic.
scale_score = st.integers(min_value=0, max_value=7)
wide_score = st.integers(min_value=0, max_value=100)
score_lists = st.lists(wide_score, min_size=1, max_size=12)
small_score_lists = st.lists(scale_score, min_size=1, max_size=8)
thresholds = st.integers(min_value=1, max_value=7)
pass_marks = st.integers(min_value=0, max_value=8)


def exact_mean(scores: list[int]) -> Fraction:
    return Fraction(sum(scores), len(scores))


def half_up(scores: list[int]) -> int:
    """The oracle: the mean rounded half up, in exact rational arithmetic."""
    return math.floor(exact_mean(scores) + Fraction(1, 2))


def is_tie(scores: list[int]) -> bool:
    """Whether the mean lies exactly halfway between two integers."""
    return exact_mean(scores).denominator == 2


# ---------------------------------------------------------------------------------------------
# The proposal: mean rounded half up
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "scores, expected",
    [
        ([4, 5], 5),  # 4.5 → 5
        ([2, 3], 3),  # 2.5 → 3 (round-half-even would give 2)
        ([3, 4], 4),  # 3.5 → 4
        ([0, 1], 1),  # 0.5 → 1 (round-half-even would give 0)
        ([6, 7], 7),  # 6.5 → 7
        ([1, 2, 2, 3, 3, 4], 3),  # 15 / 6 = 2.5 → 3
        ([1, 2, 3, 4], 3),  # 2.5 → 3
        ([4, 4, 5, 5], 5),  # 4.5 → 5
        ([1, 1, 2], 1),  # 1.33 → 1
        ([1, 2, 2], 2),  # 1.67 → 2
        ([3, 4, 4], 4),  # 3.67 → 4
        ([3, 3, 4], 3),  # 3.33 → 3
        ([1, 7], 4),  # 4 exactly
        ([2, 5, 7], 5),  # 4.67 → 5
        ([7], 7),
        ([0], 0),
    ],
)
def test_proposal_worked_examples(scores, expected):
    assert proposal(scores) == expected


def test_proposal_of_no_scores_is_refused():
    with pytest.raises(ValueError):
        proposal([])


@rules_settings
@given(score_lists)
def test_proposal_is_floor_of_mean_plus_a_half(scores):
    assert proposal(scores) == half_up(scores)


@rules_settings
@given(st.lists(wide_score.filter(lambda s: s < 100), min_size=2, max_size=12).filter(lambda s: len(s) % 2 == 0))
def test_exact_halves_always_round_up(scores):
    # Nudge the list so that its mean is exactly k + 1/2: with an even count n, a sum congruent
    # to n/2 modulo n does that. Adding 1 to `delta` (< n) distinct scores gets there.
    n = len(scores)
    delta = (n // 2 - sum(scores)) % n
    scores = [score + 1 if index < delta else score for index, score in enumerate(scores)]
    mean = exact_mean(scores)
    assert mean.denominator == 2
    assert proposal(scores) == mean + Fraction(1, 2)
    assert proposal(scores) == math.ceil(mean)


@rules_settings
@given(wide_score, st.integers(min_value=1, max_value=6))
def test_pairs_a_point_apart_round_up(low, repeats):
    assert proposal([low, low + 1] * repeats) == low + 1
    assert proposal([low] * repeats + [low + 1] * repeats) == low + 1


@rules_settings
@given(score_lists)
def test_proposal_is_within_half_a_point_of_the_mean_and_never_below_by_a_half(scores):
    difference = proposal(scores) - exact_mean(scores)
    assert Fraction(-1, 2) < difference <= Fraction(1, 2)
    assert (difference == Fraction(1, 2)) == is_tie(scores)


@rules_settings
@given(score_lists)
def test_proposal_lies_between_lowest_and_highest(scores):
    assert min(scores) <= proposal(scores) <= max(scores)


@rules_settings
@given(wide_score, st.integers(min_value=1, max_value=12))
def test_identical_scores_propose_that_score(score, count):
    assert proposal([score] * count) == score


@rules_settings
@given(st.data(), score_lists)
def test_proposal_ignores_the_order_of_scores(data, scores):
    assert proposal(data.draw(st.permutations(scores))) == proposal(scores)


@rules_settings
@given(score_lists, st.integers(min_value=1, max_value=5))
def test_adding_the_proposal_to_the_scores_does_not_change_it(scores, copies):
    # The new mean lies between the old mean and the proposal, so it rounds the same way.
    p = proposal(scores)
    assert proposal(scores + [p]) == p
    assert proposal(scores + [p] * copies) == p


@rules_settings
@given(score_lists, st.integers(min_value=2, max_value=4))
def test_repeating_every_score_does_not_change_the_proposal(scores, times):
    assert proposal(scores * times) == proposal(scores)


@rules_settings
@given(score_lists, st.integers(min_value=0, max_value=50))
def test_shifting_every_score_shifts_the_proposal(scores, shift):
    assert proposal([score + shift for score in scores]) == proposal(scores) + shift


@rules_settings
@given(st.data(), score_lists)
def test_raising_one_score_never_lowers_the_proposal(data, scores):
    index = data.draw(st.integers(min_value=0, max_value=len(scores) - 1))
    raised = list(scores)
    raised[index] += data.draw(st.integers(min_value=1, max_value=10))
    assert proposal(raised) >= proposal(scores)


@rules_settings
@given(score_lists)
def test_reflecting_the_scale_reflects_the_proposal_except_that_halves_go_up(scores):
    # Half up is not symmetric: 2.5 → 3, but its mirror image on 0..100, 97.5, → 98, not 97.
    top = 100
    reflected = [top - score for score in scores]
    assert proposal(reflected) == top - proposal(scores) + (1 if is_tie(scores) else 0)


# ---------------------------------------------------------------------------------------------
# Spread and discrepancy
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "scores, threshold, pass_mark, discrepant",
    [
        ([4, 5], 2, 4, False),  # a point apart, both passing
        ([4, 6], 2, 4, True),  # spread reaches the threshold
        ([3, 4], 2, 4, True),  # a point apart, but on both sides of the pass mark
        ([1, 2, 3], 2, 4, True),  # spread 2, all failing
        ([1, 2, 3], 3, 4, False),  # spread 2 below threshold 3, all failing
        ([5, 5, 5], 2, 4, False),
        ([5, 5, 5], 1, 4, False),
        ([5, 5, 6], 1, 4, True),  # threshold 1: any difference
        ([4, 4], 2, 4, False),  # a score equal to the pass mark is on the passing side
        ([3, 4, 4], 5, 4, True),
    ],
)
def test_discrepancy_worked_examples(scores, threshold, pass_mark, discrepant):
    assert is_discrepant(scores, threshold, pass_mark) is discrepant


def test_spread_of_no_scores_is_zero():
    assert spread([]) == 0


@rules_settings
@given(small_score_lists)
def test_spread_is_highest_minus_lowest(scores):
    assert spread(scores) == max(scores) - min(scores)
    assert spread(scores) >= 0


@rules_settings
@given(small_score_lists, pass_marks)
def test_straddling_means_scores_on_both_sides_of_the_pass_mark(scores, pass_mark):
    passing = [score for score in scores if score >= pass_mark]
    failing = [score for score in scores if score < pass_mark]
    assert straddles_pass_mark(scores, pass_mark) == (bool(passing) and bool(failing))


@rules_settings
@given(small_score_lists, thresholds, pass_marks)
def test_discrepant_exactly_when_spread_reaches_threshold_or_scores_straddle(scores, threshold, pass_mark):
    wide = max(scores) - min(scores) >= threshold
    straddles = any(s >= pass_mark for s in scores) and any(s < pass_mark for s in scores)
    assert is_discrepant(scores, threshold, pass_mark) == (wide or straddles)


@rules_settings
@given(scale_score, st.integers(min_value=1, max_value=8), thresholds, pass_marks)
def test_identical_scores_are_never_discrepant(score, count, threshold, pass_mark):
    assert not is_discrepant([score] * count, threshold, pass_mark)


@rules_settings
@given(small_score_lists, pass_marks)
def test_with_threshold_one_any_difference_is_discrepant(scores, pass_mark):
    assert is_discrepant(scores, 1, pass_mark) == (len(set(scores)) > 1)


@rules_settings
@given(small_score_lists, thresholds, pass_marks)
def test_a_lower_threshold_never_clears_a_discrepancy(scores, threshold, pass_mark):
    if is_discrepant(scores, threshold + 1, pass_mark):
        assert is_discrepant(scores, threshold, pass_mark)


@rules_settings
@given(small_score_lists, thresholds, pass_marks)
def test_scores_all_on_one_side_and_close_together_are_not_discrepant(scores, threshold, pass_mark):
    assume(max(scores) - min(scores) < threshold)
    assume(all(s >= pass_mark for s in scores) or all(s < pass_mark for s in scores))
    assert not is_discrepant(scores, threshold, pass_mark)


# ---------------------------------------------------------------------------------------------
# The state of one moderation item
# ---------------------------------------------------------------------------------------------


def test_item_state_worked_examples():
    both = ItemState(scores=(3, 5), expected=2, agreed=None, threshold=2, pass_mark=4)
    assert both.status == "ready" and both.ready
    assert both.spread == 2 and both.proposal == 4 and both.discrepant
    assert len(both.reasons) == 2
    assert "2 apart" in both.reasons[0]
    assert "both sides of the pass mark" in both.reasons[1]

    straddle_only = ItemState(scores=(3, 4), expected=2, agreed=None, threshold=2, pass_mark=4)
    assert straddle_only.proposal == 4 and straddle_only.discrepant
    assert straddle_only.reasons == ["scores on both sides of the pass mark"]

    spread_only = ItemState(scores=(1, 3, 3), expected=3, agreed=None, threshold=2, pass_mark=4)
    assert spread_only.proposal == 2 and spread_only.discrepant
    assert spread_only.reasons == ["scores 2 apart"]

    calm = ItemState(scores=(4, 5), expected=2, agreed=None, threshold=2, pass_mark=4)
    assert calm.proposal == 5 and not calm.discrepant and calm.reasons == []
    assert not agreement_needs_rationale(calm, 5)
    assert agreement_needs_rationale(calm, 4)
    assert agreement_needs_rationale(both, 4)  # discrepant: a rationale even for the proposal

    waiting = ItemState(scores=(2, 6), expected=3, agreed=None, threshold=2, pass_mark=4)
    assert waiting.status == "awaiting scores" and not waiting.ready
    assert waiting.spread == 4
    assert waiting.proposal is None and not waiting.discrepant and waiting.reasons == []

    agreed = ItemState(scores=(3, 5), expected=2, agreed=4, threshold=2, pass_mark=4)
    assert agreed.status == "agreed" and not agreed.ready

    nobody = ItemState(scores=(), expected=0, agreed=None, threshold=2, pass_mark=4)
    assert nobody.status == "no assessors" and not nobody.ready
    assert nobody.spread is None and nobody.proposal is None and not nobody.discrepant


@rules_settings
@given(small_score_lists, thresholds, pass_marks, scale_score)
def test_item_moves_from_awaiting_scores_to_ready_to_agreed(scores, threshold, pass_mark, agreed):
    expected = len(scores)
    for submitted in range(expected):
        partial = tuple(scores[:submitted])
        state = ItemState(scores=partial, expected=expected, agreed=None, threshold=threshold, pass_mark=pass_mark)
        assert state.status == "awaiting scores"
        assert not state.ready
        assert state.proposal is None
        assert not state.discrepant
        assert state.reasons == []
        assert state.spread == (spread(list(partial)) if partial else None)

    complete = ItemState(scores=tuple(scores), expected=expected, agreed=None, threshold=threshold, pass_mark=pass_mark)
    assert complete.status == "ready"
    assert complete.ready
    assert complete.spread == max(scores) - min(scores)
    assert complete.proposal == half_up(scores)
    assert complete.discrepant == is_discrepant(scores, threshold, pass_mark)

    done = ItemState(scores=tuple(scores), expected=expected, agreed=agreed, threshold=threshold, pass_mark=pass_mark)
    assert done.status == "agreed"
    assert not done.ready


@rules_settings
@given(small_score_lists, thresholds, pass_marks)
def test_reasons_name_each_cause_of_a_discrepancy(scores, threshold, pass_mark):
    state = ItemState(scores=tuple(scores), expected=len(scores), agreed=None, threshold=threshold, pass_mark=pass_mark)
    gap = max(scores) - min(scores)
    wide = gap >= threshold
    straddles = any(s >= pass_mark for s in scores) and any(s < pass_mark for s in scores)

    spread_reasons = [reason for reason in state.reasons if "apart" in reason]
    straddle_reasons = [reason for reason in state.reasons if "pass mark" in reason]
    assert len(state.reasons) == int(wide) + int(straddles)
    assert (state.reasons == []) == (not state.discrepant)
    assert len(spread_reasons) == int(wide)
    assert len(straddle_reasons) == int(straddles)
    if wide:
        assert str(gap) in spread_reasons[0]


@rules_settings
@given(small_score_lists, thresholds, pass_marks, scale_score)
def test_a_rationale_is_needed_exactly_for_discrepant_items_and_changes(scores, threshold, pass_mark, agreed):
    state = ItemState(scores=tuple(scores), expected=len(scores), agreed=None, threshold=threshold, pass_mark=pass_mark)
    discrepant = is_discrepant(scores, threshold, pass_mark)
    assert agreement_needs_rationale(state, agreed) == (discrepant or agreed != half_up(scores))
    # Confirming the proposal of a calm item needs none; a discrepant item always needs one.
    assert agreement_needs_rationale(state, half_up(scores)) == discrepant
    if discrepant:
        assert agreement_needs_rationale(state, agreed)


# ---------------------------------------------------------------------------------------------
# Results and ranking
# ---------------------------------------------------------------------------------------------


@st.composite
def criterion_rules(draw, max_size=4, pass_mark=st.integers(min_value=1, max_value=7)):
    """Distinct codes (not in alphabetical order, so sorting by code is caught), at most one lead."""
    size = draw(st.integers(min_value=1, max_value=max_size))
    codes = draw(
        st.lists(st.text(alphabet="ABCDEFGHJK", min_size=1, max_size=3), min_size=size, max_size=size, unique=True)
    )
    lead = draw(st.none() | st.integers(min_value=0, max_value=size - 1))
    return [
        CriterionRule(
            code=code,
            weight=draw(st.integers(min_value=1, max_value=3)),
            pass_mark=draw(pass_mark),
            is_lead=(index == lead),
        )
        for index, code in enumerate(codes)
    ]


def agreed_scores(rules, score=st.integers(min_value=1, max_value=7)):
    return st.fixed_dictionaries({rule.code: score for rule in rules})


def expected_total(agreed, rules):
    return sum(rule.weight * agreed[rule.code] for rule in rules)


def merit_key(result: Result, rules) -> tuple:
    """Total, then the lead criterion, then the others in their listed order: higher is better."""
    lead = [rule.code for rule in rules if rule.is_lead]
    others = [rule.code for rule in rules if not rule.is_lead]
    return (result.total, *(result.agreed[code] for code in lead + others))


@st.composite
def ranking_cases(draw):
    """Rules, an overall pass mark and a field of applications with many exact ties."""
    rules = draw(criterion_rules(pass_mark=st.integers(min_value=1, max_value=5)))
    pool = draw(st.lists(agreed_scores(rules, st.integers(min_value=2, max_value=6)), min_size=1, max_size=6))
    field = draw(st.lists(st.sampled_from(pool), min_size=0, max_size=14))
    most = sum(rule.weight * 6 for rule in rules)
    overall = draw(st.none() | st.integers(min_value=0, max_value=most))
    return rules, overall, field


@rules_settings
@given(st.data(), criterion_rules())
def test_evaluate_totals_weights_and_passes(data, rules):
    agreed = data.draw(agreed_scores(rules))
    total = expected_total(agreed, rules)
    overall = data.draw(st.none() | st.integers(min_value=0, max_value=total + 3) | st.sampled_from([total, total + 1]))
    result = evaluate("app", agreed, rules, overall)

    assert result.key == "app"
    assert result.total == total
    assert result.passes == {rule.code: agreed[rule.code] >= rule.pass_mark for rule in rules}
    every_criterion = all(agreed[rule.code] >= rule.pass_mark for rule in rules)
    assert result.passed == (every_criterion and (overall is None or total >= overall))
    assert result.rank is None and result.rank_label == ""


@rules_settings
@given(st.data(), criterion_rules())
def test_the_overall_pass_mark_is_reached_at_equality(data, rules):
    # Every criterion at 7 passes every criterion, so only the overall pass mark decides.
    agreed = {rule.code: 7 for rule in rules}
    total = expected_total(agreed, rules)
    assert evaluate(1, agreed, rules, total).passed
    assert evaluate(1, agreed, rules, None).passed
    assert not evaluate(1, agreed, rules, total + 1).passed


@rules_settings
@given(st.data(), criterion_rules())
def test_one_failed_criterion_fails_the_application_whatever_the_total(data, rules):
    failing = data.draw(st.sampled_from(rules))
    agreed = {rule.code: 7 for rule in rules}
    agreed[failing.code] = failing.pass_mark - 1
    result = evaluate(1, agreed, rules, data.draw(st.none() | st.just(0)))
    assert not result.passes[failing.code]
    assert not result.passed


@rules_settings
@given(st.data(), criterion_rules())
def test_evaluate_refuses_a_missing_agreed_score(data, rules):
    agreed = data.draw(agreed_scores(rules))
    missing = data.draw(st.sampled_from(rules))
    del agreed[missing.code]
    with pytest.raises(ValueError, match=missing.code):
        evaluate(1, agreed, rules, None)


@rules_settings
@given(st.data(), criterion_rules())
def test_evaluate_keeps_its_own_copy_of_the_agreed_scores(data, rules):
    agreed = data.draw(agreed_scores(rules))
    result = evaluate(1, agreed, rules, None)
    before = dict(result.agreed)
    for code in agreed:
        agreed[code] = 0
    assert result.agreed == before


@rules_settings
@given(criterion_rules())
def test_tie_break_order_is_the_lead_then_the_rest_as_listed(rules):
    order = tie_break_order(rules)
    assert sorted(order) == sorted(rule.code for rule in rules)
    leads = [rule.code for rule in rules if rule.is_lead]
    assert order[: len(leads)] == leads
    assert order[len(leads) :] == [rule.code for rule in rules if not rule.is_lead]


def evaluated(rules, overall, field):
    return [evaluate(index, agreed, rules, overall) for index, agreed in enumerate(field)]


@rules_settings
@given(ranking_cases())
def test_only_passing_results_are_ranked_and_in_rank_order(case):
    rules, overall, field = case
    results = evaluated(rules, overall, field)
    ranked = rank(results, rules)

    assert [id(r) for r in ranked] == [id(r) for r in sorted(ranked, key=lambda r: r.rank)]
    assert {id(r) for r in ranked} == {id(r) for r in results if r.passed}
    assert len(ranked) == sum(1 for r in results if r.passed)
    for result in results:
        if result.passed:
            assert isinstance(result.rank, int) and result.rank_label != ""
        else:
            assert result.rank is None and not result.shared and result.rank_label == ""
    if ranked:
        assert ranked[0].rank == 1
        assert ranked[0].rank_label in ("1", "=1")
    ranks = [r.rank for r in ranked]
    assert ranks == sorted(ranks)


@rules_settings
@given(ranking_cases())
def test_rank_is_standard_competition_ranking_on_total_lead_then_listed_criteria(case):
    rules, overall, field = case
    results = evaluated(rules, overall, field)
    ranked = rank(results, rules)
    keys = {id(r): merit_key(r, rules) for r in ranked}

    for result in ranked:
        better = sum(1 for other in ranked if keys[id(other)] > keys[id(result)])
        equal = sum(1 for other in ranked if keys[id(other)] == keys[id(result)])
        assert result.rank == 1 + better
        assert result.shared == (equal > 1)
        assert result.rank_label == (f"={result.rank}" if equal > 1 else str(result.rank))

    # The returned order goes down the merit keys.
    ordered_keys = [keys[id(r)] for r in ranked]
    assert ordered_keys == sorted(ordered_keys, reverse=True)


@rules_settings
@given(ranking_cases())
def test_pairwise_order_total_first_then_the_lead_then_the_listed_criteria(case):
    rules, overall, field = case
    results = evaluated(rules, overall, field)
    ranked = rank(results, rules)
    lead = [rule.code for rule in rules if rule.is_lead]
    chain = lead + [rule.code for rule in rules if not rule.is_lead]

    for a in ranked:
        for b in ranked:
            if a is b:
                continue
            if a.total > b.total:
                assert a.rank < b.rank  # a higher total never ranks below a lower one
            elif a.total == b.total:
                differing = [code for code in chain if a.agreed[code] != b.agreed[code]]
                if not differing:
                    assert a.rank == b.rank and a.shared and b.shared
                elif a.agreed[differing[0]] > b.agreed[differing[0]]:
                    assert a.rank < b.rank  # the first criterion in the chain that differs decides
                if lead and a.agreed[lead[0]] > b.agreed[lead[0]]:
                    assert a.rank < b.rank  # the lead decides before any other criterion


@rules_settings
@given(ranking_cases())
def test_a_group_of_k_shared_at_rank_r_is_followed_by_rank_r_plus_k(case):
    rules, overall, field = case
    ranked = rank(evaluated(rules, overall, field), rules)

    groups: list[list[Result]] = []
    for result in ranked:
        if groups and groups[-1][0].rank == result.rank:
            groups[-1].append(result)
        else:
            groups.append([result])
    expected_rank = 1
    for group in groups:
        assert group[0].rank == expected_rank
        assert all(r.shared == (len(group) > 1) for r in group)
        assert len({merit_key(r, rules) for r in group}) == 1
        expected_rank += len(group)
    # Different groups have different keys: a tie the chain can break is broken.
    assert len({merit_key(group[0], rules) for group in groups}) == len(groups)


@rules_settings
@given(ranking_cases(), st.randoms(use_true_random=False))
def test_rank_does_not_depend_on_the_order_of_the_applications(case, rnd):
    rules, overall, field = case
    first = {r.key: (r.rank, r.shared, r.rank_label) for r in rank(evaluated(rules, overall, field), rules)}

    shuffled = evaluated(rules, overall, field)
    rnd.shuffle(shuffled)
    ranked = rank(shuffled, rules)
    second = {r.key: (r.rank, r.shared, r.rank_label) for r in ranked}
    assert second == first
    assert [r.rank for r in ranked] == sorted(first[key][0] for key in first)


@rules_settings
@given(ranking_cases())
def test_ranking_again_clears_stale_ranks(case):
    rules, overall, field = case
    results = evaluated(rules, overall, field)
    for result in results:
        result.rank, result.shared = 99, True
    ranked_once = [(r.key, r.rank, r.shared) for r in rank(results, rules)]
    for result in results:
        if not result.passed:
            assert result.rank is None and not result.shared and result.rank_label == ""
    assert [(r.key, r.rank, r.shared) for r in rank(results, rules)] == ranked_once


def test_a_shared_rank_is_shown_with_an_equals_sign():
    assert Result(key=1, agreed={}, rank=3, shared=True).rank_label == "=3"
    assert Result(key=1, agreed={}, rank=3).rank_label == "3"
    assert Result(key=1, agreed={}).rank_label == ""


def test_rank_of_no_results_is_empty():
    assert rank([], [CriterionRule("A", 1, 4)]) == []


# ---------------------------------------------------------------------------------------------
# Hand-worked campaigns
# ---------------------------------------------------------------------------------------------

# Listed order C1, C2, C3; C2 is the lead and weighted 2. Totals run up to 7 + 14 + 7 = 28.
CAMPAIGN_RULES = [
    CriterionRule(code="C1", weight=1, pass_mark=4),
    CriterionRule(code="C2", weight=2, pass_mark=4, is_lead=True),
    CriterionRule(code="C3", weight=1, pass_mark=3),
]
OVERALL_PASS_MARK = 18


def test_hand_worked_campaign_of_six_applications():
    field = {
        # key: (C1, C2, C3)           total = C1 + 2·C2 + C3
        "P": (6, 6, 5),  # 6 + 12 + 5 = 23, lead 6 → rank 1
        "Q": (7, 5, 6),  # 7 + 10 + 6 = 23, lead 5 → rank 2 (listed order alone would put Q first)
        "R": (5, 5, 5),  # 5 + 10 + 5 = 20 → =3
        "S": (5, 5, 5),  # identical to R: the chain cannot break it → =3
        "T": (3, 7, 7),  # 3 + 14 + 7 = 24, the highest total, but C1 3 < 4 → fails, no rank
        "U": (4, 5, 4),  # 4 + 10 + 4 = 18, exactly the overall pass mark → passes, rank 5
    }
    results = [
        evaluate(key, {"C1": c1, "C2": c2, "C3": c3}, CAMPAIGN_RULES, OVERALL_PASS_MARK)
        for key, (c1, c2, c3) in field.items()
    ]
    by_key = {r.key: r for r in results}

    assert {k: r.total for k, r in by_key.items()} == {"P": 23, "Q": 23, "R": 20, "S": 20, "T": 24, "U": 18}
    assert {k: r.passed for k, r in by_key.items()} == {
        "P": True,
        "Q": True,
        "R": True,
        "S": True,
        "T": False,
        "U": True,
    }
    assert by_key["T"].passes == {"C1": False, "C2": True, "C3": True}
    assert by_key["U"].passes == {"C1": True, "C2": True, "C3": True}

    ranked = rank(results, CAMPAIGN_RULES)

    assert [r.key for r in ranked][:2] == ["P", "Q"]
    assert {r.key for r in ranked[2:4]} == {"R", "S"}
    assert ranked[4].key == "U"
    assert len(ranked) == 5
    assert {k: r.rank_label for k, r in by_key.items()} == {"P": "1", "Q": "2", "R": "=3", "S": "=3", "T": "", "U": "5"}
    assert {k: r.rank for k, r in by_key.items()} == {"P": 1, "Q": 2, "R": 3, "S": 3, "T": None, "U": 5}
    assert [k for k, r in by_key.items() if r.shared] == ["R", "S"]

    # The same campaign entered in another order gives the same labels.
    reordered = [evaluate(r.key, r.agreed, CAMPAIGN_RULES, OVERALL_PASS_MARK) for r in reversed(results)]
    rank(reordered, CAMPAIGN_RULES)
    assert {r.key: r.rank_label for r in reordered} == {k: r.rank_label for k, r in by_key.items()}


def test_hand_worked_tie_broken_after_the_lead_and_a_total_short_of_the_overall_pass_mark():
    field = {
        "V": (5, 5, 4),  # 5 + 10 + 4 = 19, lead 5, then C1 5 → rank 1
        "W": (4, 5, 5),  # 4 + 10 + 5 = 19, lead 5, then C1 4 → rank 2 (C3 would favour W)
        "X": (4, 4, 4),  # 4 + 8 + 4 = 16: every criterion passes, total short of 18 → fails
        "Y": (7, 7, 7),  # 7 + 14 + 7 = 28 → rank 1 overall, pushing V and W down
    }
    results = [
        evaluate(key, {"C1": c1, "C2": c2, "C3": c3}, CAMPAIGN_RULES, OVERALL_PASS_MARK)
        for key, (c1, c2, c3) in field.items()
    ]
    by_key = {r.key: r for r in results}
    assert {k: r.total for k, r in by_key.items()} == {"V": 19, "W": 19, "X": 16, "Y": 28}
    assert all(by_key["X"].passes.values()) and not by_key["X"].passed

    ranked = rank(results, CAMPAIGN_RULES)
    assert [r.key for r in ranked] == ["Y", "V", "W"]
    assert {k: r.rank_label for k, r in by_key.items()} == {"Y": "1", "V": "2", "W": "3", "X": ""}

    # Without an overall pass mark X passes too, and comes last.
    without = [evaluate(r.key, r.agreed, CAMPAIGN_RULES, None) for r in results]
    assert [r.key for r in rank(without, CAMPAIGN_RULES)] == ["Y", "V", "W", "X"]
    assert {r.key: r.rank_label for r in without} == {"Y": "1", "V": "2", "W": "3", "X": "4"}


def test_hand_worked_standard_competition_ranking_one_equal_two_equal_two_four():
    rules = [CriterionRule(code="A", weight=1, pass_mark=1, is_lead=True)]
    results = [evaluate(key, {"A": score}, rules, None) for key, score in [("a", 7), ("b", 5), ("c", 5), ("d", 3)]]
    random.Random(7).shuffle(results)
    rank(results, rules)
    assert {r.key: r.rank_label for r in results} == {"a": "1", "b": "=2", "c": "=2", "d": "4"}


# ---------------------------------------------------------------------------------------------
# The same rules in words, for the chair
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "scores, threshold, pass_mark, explanation",
    [
        (
            (3, 6),
            2,
            4,
            [
                "scores 3 and 6 differ by 3; the threshold is 2",
                "3 is below the pass mark of 4, while 6 is at or above it",
            ],
        ),
        (
            (6, 3),
            2,
            4,
            [
                "scores 3 and 6 differ by 3; the threshold is 2",
                "3 is below the pass mark of 4, while 6 is at or above it",
            ],
        ),
        (
            (3, 6, 5),
            2,
            4,
            [
                "scores range from 3 to 6, a difference of 3; the threshold is 2",
                "3 is below the pass mark of 4, while 5 and 6 are at or above it",
            ],
        ),
        ((5, 7), 2, 4, ["scores 5 and 7 differ by 2; the threshold is 2"]),
        ((3, 4), 2, 4, ["3 is below the pass mark of 4, while 4 is at or above it"]),
        ((2, 3, 3, 5, 6), 5, 4, ["2 and 3 are below the pass mark of 4, while 5 and 6 are at or above it"]),
        ((4, 5), 2, 4, []),
        ((2, 2, 3), 2, 4, []),
    ],
)
def test_a_discrepancy_is_explained_in_plain_words(scores, threshold, pass_mark, explanation):
    state = ItemState(scores=scores, expected=len(scores), agreed=None, threshold=threshold, pass_mark=pass_mark)
    assert state.explanation == explanation


@pytest.mark.parametrize(
    "scores, words",
    [
        ((3, 6), "the mean of 3 and 6 is 4.5; halves round up, so it is 5"),
        ((3, 6, 5), "the mean of 3, 6 and 5 is about 4.67, which rounds to 5"),
        ((1, 2, 2, 2), "the mean of 1, 2, 2 and 2 is 1.75, which rounds to 2"),
        ((4, 4), "the mean of 4 and 4 is 4"),
        ((5,), "the only score is 5"),
    ],
)
def test_the_proposal_is_explained_from_the_mean(scores, words):
    state = ItemState(scores=scores, expected=len(scores), agreed=None, threshold=2, pass_mark=4)
    assert state.proposal_explained == words


@rules_settings
@given(small_score_lists, thresholds, pass_marks)
def test_the_plain_words_give_the_same_causes_as_the_rule(scores, threshold, pass_mark):
    state = ItemState(scores=tuple(scores), expected=len(scores), agreed=None, threshold=threshold, pass_mark=pass_mark)
    assert len(state.explanation) == len(state.reasons)
    wide = [words for words in state.explanation if "the threshold is" in words]
    straddle = [words for words in state.explanation if "the pass mark of" in words]
    assert len(wide) == int(spread(scores) >= threshold)
    assert len(straddle) == int(straddles_pass_mark(scores, pass_mark))
    for words in wide:
        assert f"{max(scores) - min(scores)}; the threshold is {threshold}" in words
    # The proposal's words end with the proposal itself.
    assert state.proposal_explained.endswith(str(proposal(scores)))


@rules_settings
@given(small_score_lists, thresholds, pass_marks)
def test_the_rule_from_the_lowest_and_highest_score_is_the_rule(scores, threshold, pass_mark):
    assert range_is_discrepant(min(scores), max(scores), threshold, pass_mark) == is_discrepant(
        scores, threshold, pass_mark
    )
