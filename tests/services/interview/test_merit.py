"""The merit list, offers and the reserve list, as pure rules with a hand-computed scenario."""

from datetime import UTC, datetime

from recruit.services.assessment.ranking_rules import CriterionRule, evaluate
from recruit.services.interview.merit import allocate, merit_order, reserve_expiry

RULES = [CriterionRule("lead", 1, 4, is_lead=True), CriterionRule("second", 2, 4), CriterionRule("third", 1, 4)]


def interview(scores: dict[str, dict[str, int]], overall=None):
    return [evaluate(key, agreed, RULES, overall) for key, agreed in scores.items()]


# Hand-computed: total = lead + 2 × second + third; appointable needs every score ≥ 4 (and total ≥ 18 here).
SCENARIO = {
    "ANN": {"lead": 6, "second": 6, "third": 5},  # 23
    "BEN": {"lead": 5, "second": 6, "third": 6},  # 23, loses the tie to ANN on the lead
    "CAT": {"lead": 5, "second": 5, "third": 5},  # 20
    "DAN": {"lead": 5, "second": 5, "third": 5},  # 20, tied with CAT all the way: =3
    "EVE": {"lead": 4, "second": 4, "third": 6},  # 18: exactly the overall pass mark
    "FAY": {"lead": 3, "second": 7, "third": 7},  # 24 but the lead is below its pass mark: not appointable
    "GUS": {"lead": 4, "second": 4, "third": 5},  # 17: below the overall pass mark
}


def test_appointability_and_merit_order():
    entries = merit_order(interview(SCENARIO, overall=18), {}, RULES)
    assert [(e.key, e.total, e.rank_label) for e in entries] == [
        ("ANN", 23, "1"),
        ("BEN", 23, "2"),
        ("CAT", 20, "=3"),
        ("DAN", 20, "=3"),
        ("EVE", 18, "5"),
    ]


def test_merit_order_on_sift_and_interview_totals():
    sift = {"ANN": 10, "BEN": 15, "CAT": 30, "DAN": 12, "EVE": 20}
    entries = merit_order(interview(SCENARIO, overall=18), sift, RULES, basis="sift_and_interview")
    assert [(e.key, e.total, e.rank_label) for e in entries] == [
        ("CAT", 50, "1"),
        ("BEN", 38, "2"),
        ("EVE", 38, "3"),
        ("ANN", 33, "4"),
        ("DAN", 32, "5"),
    ]


def test_offers_for_two_posts_then_a_decline_passes_to_the_next():
    entries = merit_order(interview(SCENARIO, overall=18), {}, RULES)
    first = allocate(entries, posts=2, offers={})
    assert first.next_offers == ["ANN", "BEN"] and first.tied_at_cut == []
    assert first.reserve == ["CAT", "DAN", "EVE"]
    # BEN declines: the next place is shared by CAT and DAN, so the admin chooses which to offer.
    after_decline = allocate(entries, posts=2, offers={"ANN": "accepted", "BEN": "declined"})
    assert after_decline.offered == ["ANN"] and after_decline.ended == ["BEN"]
    assert after_decline.next_offers == [] and after_decline.tied_at_cut == ["CAT", "DAN"]
    assert after_decline.reserve == ["EVE"]
    # The admin offers CAT; DAN and EVE stay on the reserve list.
    settled = allocate(entries, posts=2, offers={"ANN": "accepted", "BEN": "declined", "CAT": "offered"})
    assert settled.next_offers == [] and settled.tied_at_cut == [] and settled.reserve == ["DAN", "EVE"]
    # CAT withdraws: DAN is next, alone at the cut now.
    later = allocate(entries, posts=2, offers={"ANN": "accepted", "BEN": "declined", "CAT": "withdrawn"})
    assert later.next_offers == ["DAN"] and later.reserve == ["EVE"]


def test_reserve_list_expiry():
    assert reserve_expiry(datetime(2027, 1, 31, 12, tzinfo=UTC), 12) == datetime(2028, 1, 31, 12, tzinfo=UTC)
    assert reserve_expiry(datetime(2027, 8, 31, 9, tzinfo=UTC), 6) == datetime(2028, 2, 29, 9, tzinfo=UTC)
