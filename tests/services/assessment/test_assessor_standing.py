"""Where an assessor stands with a stage (assessor_views.Standing): the counts the work list shows and the application
"Continue" and "Submit and go to the next application" lead to."""

from __future__ import annotations

import random
from collections import Counter

from recruit.services.assessment.assessor_views import Standing


def standing(order, conflicted=(), submitted=None, drafts=None, criteria=3) -> Standing:
    return Standing(
        list(order),
        {i: f"REF{i}" for i in order},
        {},
        criteria,
        frozenset(conflicted),
        Counter(submitted or {}),
        Counter(drafts or {}),
    )


def test_the_counts_leave_out_conflicts_and_applications_no_longer_in_the_stage():
    # 40 has left the stage (withdrawn): its scores no longer count. 20 has a conflict declared.
    seen = standing(
        [10, 20, 30, 50, 60],
        conflicted=[20, 40],
        submitted={10: 3, 20: 3, 30: 1, 40: 3},
        drafts={30: 2, 20: 1, 40: 1, 60: 1},
    )
    assert (seen.to_score, seen.finished, seen.submitted_scores, seen.draft_scores) == (4, 1, 4, 3)
    assert seen.with_drafts == [30, 60]
    assert seen.next_reference() == "REF30"
    assert seen.next_reference(30) == "REF50"
    assert seen.next_reference(60) == "REF30", "after the last, from the top again"


def test_with_everything_scored_nothing_comes_next():
    seen = standing([1, 2, 3], conflicted=[2], submitted={1: 3, 3: 3})
    assert (seen.finished, seen.to_score) == (2, 2)
    assert seen.next_after() is None and seen.next_after(1) is None


def test_the_only_application_left_is_not_its_own_next():
    seen = standing([1, 2, 3], submitted={1: 3, 3: 3}, drafts={2: 1})
    assert seen.next_after() == 2
    assert seen.next_after(2) is None


def test_with_no_criterion_to_score_every_application_counts_as_scored():
    seen = standing([1, 2, 3], conflicted=[3], criteria=0)
    assert (seen.finished, seen.to_score, seen.submitted_scores) == (2, 2, 0)
    assert seen.next_after() is None


class Reference:
    """The counts as their definitions read, going through the whole order each time."""

    def __init__(self, seen: Standing) -> None:
        self.seen = seen

    def done(self, i: int) -> bool:
        return i in self.seen.conflicted or self.seen.submitted[i] >= self.seen.criteria

    def next_after(self, application_id: int | None) -> int | None:
        order = self.seen.order
        start = order.index(application_id) + 1 if application_id in order else 0
        for candidate in (*order[start:], *order[:start]):
            if candidate != application_id and not self.done(candidate):
                return candidate
        return None

    def counts(self) -> tuple[int, int, int, int, list[int]]:
        seen, scored = self.seen, [i for i in self.seen.order if i not in self.seen.conflicted]
        return (
            len(scored),
            sum(1 for i in scored if self.done(i)),
            sum(seen.submitted[i] for i in scored),
            sum(seen.drafts[i] for i in scored),
            [i for i in scored if seen.drafts[i]],
        )


def test_the_counts_and_what_comes_next_match_their_definitions():
    chance = random.Random(6)
    for _ in range(500):
        everyone = chance.sample(range(1, 400), chance.randrange(0, 60))
        order = everyone[: chance.randrange(0, len(everyone) + 1)]  # the rest have left the stage
        criteria = chance.randrange(0, 5)
        seen = standing(
            order,
            conflicted=[i for i in everyone if chance.random() < 0.1],
            submitted={i: chance.randrange(1, criteria + 2) for i in everyone if chance.random() < 0.6},
            drafts={i: chance.randrange(1, 3) for i in everyone if chance.random() < 0.2},
            criteria=criteria,
        )
        expected = Reference(seen)
        counts = (seen.to_score, seen.finished, seen.submitted_scores, seen.draft_scores, seen.with_drafts)
        assert counts == expected.counts()
        for application_id in [None, 999, *order]:
            assert seen.next_after(application_id) == expected.next_after(application_id)
