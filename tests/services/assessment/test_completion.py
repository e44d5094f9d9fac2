"""Whether an assessor still has part of a stage to submit (services/assessment/completion.py): the check each
submission makes before looking at the whole stage for the chair's "all scores are in" message."""

from __future__ import annotations

from recruit.extensions import db
from recruit.services.assessment import scoring
from recruit.services.assessment.completion import _own_part_left
from tests.factories import score, sift_campaign


def test_an_assessor_has_part_left_until_every_item_they_score_is_submitted(admin):
    setup = sift_campaign(admin, applications=3, members=1, keep_criteria=2)
    campaign, member = setup.campaign, setup.members[0]
    first, second, third = setup.applications
    criteria = campaign.criteria_at("sift")

    def left() -> bool:
        return _own_part_left(member, campaign, "sift", criteria)

    assert left(), "nothing submitted yet"
    for application in (first, second):
        for criterion in criteria:
            score(member, setup, application, criterion.code, 5)
    score(member, setup, third, criteria[0].code, 4)
    score(member, setup, third, criteria[1].code, 4, submit=False)
    assert left(), "a draft is not submitted"
    # Only the criteria asked about count: the first is submitted everywhere.
    assert not _own_part_left(member, campaign, "sift", criteria[:1])
    assert not _own_part_left(member, campaign, "sift", [])

    # The other assessor's scores never stand in for this one's.
    for criterion in criteria:
        score(setup.chair, setup, third, criterion.code, 6)
    assert left()

    score(member, setup, third, criteria[1].code, 4)
    assert not left(), "every item submitted"


def test_declared_conflicts_and_withdrawals_take_items_out_of_an_assessors_part(admin):
    setup = sift_campaign(admin, applications=3, members=1, keep_criteria=1)
    campaign, member = setup.campaign, setup.members[0]
    first, second, third = setup.applications
    (criterion,) = campaign.criteria_at("sift")
    score(member, setup, first, criterion.code, 5)
    assert _own_part_left(member, campaign, "sift", [criterion])

    scoring.declare(member, campaign, second, "sift", True, "I managed this candidate.")
    assert _own_part_left(member, campaign, "sift", [criterion]), "the third is still to score"
    third.status = "withdrawn"
    db.session.commit()
    assert not _own_part_left(member, campaign, "sift", [criterion])


def test_a_score_on_an_application_they_then_declared_a_conflict_with_does_not_count_for_another(admin):
    setup = sift_campaign(admin, applications=2, members=1, keep_criteria=1)
    campaign, member = setup.campaign, setup.members[0]
    first, _second = setup.applications
    (criterion,) = campaign.criteria_at("sift")
    score(member, setup, first, criterion.code, 5)
    scoring.declare(member, campaign, first, "sift", True, "I realised I know them.")
    # One submitted score and one application to score, but not the same one: the second is still to do.
    assert _own_part_left(member, campaign, "sift", [criterion])
