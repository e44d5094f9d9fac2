"""The next application an assessor is sent to after submitting (services/assessment/assessor_views.py): found by
looking a few applications ahead in their order, it is the one their whole standing would give; and the stage's
applications behind every assessor's order are kept under the campaign's report data version."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from sqlalchemy import select

from recruit.extensions import db
from recruit.models import Score
from recruit.services.assessment import assessor_views, scoring
from recruit.services.assessment.assessor_views import next_reference, stage_references, standing
from recruit.services.campaigns.stages import assessor_order, eligible_query
from tests.factories import add_applications, score, sift_campaign
from tests.helpers import Statements


@pytest.fixture
def stage(admin):
    setup = sift_campaign(admin, applications=2, members=1, keep_criteria=2)
    add_applications(setup.campaign, 22, start=100)
    return setup


def fresh_references(campaign) -> dict[int, str]:
    return {a.id: a.reference for a in db.session.scalars(eligible_query(campaign, "sift"))}


@pytest.mark.parametrize("look_ahead", [(2, 5), (20, 200)])
def test_the_next_application_is_the_one_the_whole_standing_gives(stage, look_ahead, monkeypatch):
    monkeypatch.setattr(assessor_views, "LOOK_AHEAD", look_ahead)
    campaign, member = stage.campaign, stage.members[0]
    criteria = campaign.criteria_at("sift")
    ids = [criterion.id for criterion in criteria]
    applications = {a.id: a for a in db.session.scalars(eligible_query(campaign, "sift"))}
    order = assessor_views.ordering(member, campaign, "sift").ids
    rng = random.Random(11)

    def agrees() -> None:
        whole = standing(member, campaign, "sift", ids)
        for after in [None, *order]:
            assert next_reference(member, campaign, "sift", ids, after) == whole.next_reference(after), after
            assert next_reference(member, campaign, "sift", ids[:1], after) == standing(
                member, campaign, "sift", ids[:1]
            ).next_reference(after)

    agrees()  # nothing scored
    # Most of the applications done, in runs along the order, some half done or drafted, some conflicted.
    for position, application_id in enumerate(order):
        application = applications[application_id]
        roll = rng.random()
        if position % 7 == 3:
            continue
        if roll < 0.1:
            scoring.declare(member, campaign, application, "sift", True, "I know this candidate.")
            continue
        score(member, stage, application, criteria[0].code, 5)
        score(member, stage, application, criteria[1].code, 4, submit=roll > 0.2)
    agrees()
    for application_id in order:  # everything submitted or conflicted: nowhere left to go
        for criterion in criteria:
            if scoring.conflict_for(member, applications[application_id], "sift") is None:
                score(member, stage, applications[application_id], criterion.code, 6)
    agrees()
    assert next_reference(member, campaign, "sift", ids, order[0]) is None
    assert next_reference(member, campaign, "sift", [], None) is None


def test_the_stages_applications_are_kept_and_follow_a_withdrawal(stage):
    campaign, member = stage.campaign, stage.members[0]
    criterion = campaign.criteria_at("sift")[0]
    kept = stage_references(campaign, "sift")
    assert kept == fresh_references(campaign) and len(kept) == 24
    with Statements() as statements:
        assert stage_references(campaign, "sift") is kept
    assert statements.count == 1  # the report data version alone

    first, second = stage.applications
    score(member, stage, first, criterion.code, 5)  # the same applications: nothing but the one read again
    assert stage_references(campaign, "sift") == kept
    second.status = "withdrawn"
    db.session.commit()
    after = stage_references(campaign, "sift")
    assert second.id not in after and after == fresh_references(campaign)
    assert second.id in kept, "what was kept is left as it was, for requests still using it"
    assert second.id not in assessor_views.ordering(member, campaign, "sift").ids


def test_each_assessors_order_is_worked_out_once_for_the_stages_applications(stage):
    campaign, member, chair = stage.campaign, stage.members[0], stage.chair
    references = stage_references(campaign, "sift")
    own = assessor_views.ordering(member, campaign, "sift").ids
    assert own == assessor_order(campaign.id, "sift", member.id, references)
    assert assessor_views.ordering(member, campaign, "sift").ids is own, "kept with the stage's applications"
    chairs = assessor_views.ordering(chair, campaign, "sift").ids
    assert chairs == assessor_order(campaign.id, "sift", chair.id, references) and chairs != own

    # A withdrawal gives new applications: each order is worked out again, without the one withdrawn.
    first = stage.applications[0]
    first.status = "withdrawn"
    db.session.commit()
    after = assessor_views.ordering(member, campaign, "sift").ids
    assert after == [i for i in own if i != first.id]
    assert own == assessor_order(campaign.id, "sift", member.id, references), "the order kept before is unchanged"


def submitted_per_application(member, criterion_ids: list[int]) -> dict[int, int]:
    scores = db.session.scalars(select(Score).where(Score.assessor_id == member.id, Score.stage == "sift"))
    return dict(Counter(s.application_id for s in scores if s.criterion_id in criterion_ids and s.submitted))


def test_each_assessors_submitted_counts_are_kept_and_follow_every_change(stage):
    campaign, member, chair = stage.campaign, stage.members[0], stage.chair
    criteria = campaign.criteria_at("sift")
    ids = [criterion.id for criterion in criteria]
    first, second = stage.applications
    score(member, stage, first, criteria[0].code, 5)
    kept = standing(member, campaign, "sift", ids).submitted
    assert kept == submitted_per_application(member, ids) == {first.id: 1}
    assert standing(member, campaign, "sift", ids).submitted is kept, "nothing changed: what was kept"

    # Someone else's score reads that application again, and finds nothing of this assessor's changed.
    score(chair, stage, second, criteria[0].code, 4)
    assert standing(member, campaign, "sift", ids).submitted is kept

    # A draft is not counted as submitted (the drafts are read each time); submitting it is.
    score(member, stage, second, criteria[1].code, 3, submit=False)
    now = standing(member, campaign, "sift", ids)
    assert now.submitted == {first.id: 1} and now.drafts == {second.id: 1}
    assert now.draft_scores == 1 and now.with_drafts == [second.id]
    score(member, stage, second, criteria[1].code, 3)
    score(member, stage, first, criteria[1].code, 6)
    now = standing(member, campaign, "sift", ids)
    assert now.submitted == submitted_per_application(member, ids) == {first.id: 2, second.id: 1}
    assert not now.drafts and now.finished == 1 and now.submitted_scores == 3
    assert kept == {first.id: 1}, "what was kept is left as it was, for requests still using it"
    # Counted on one criterion, apart from the whole set.
    assert standing(member, campaign, "sift", ids[1:]).submitted == {first.id: 1, second.id: 1}

    # A withdrawal: the application is no longer counted among those to score.
    second.status = "withdrawn"
    db.session.commit()
    now = standing(member, campaign, "sift", ids)
    assert now.submitted == submitted_per_application(member, ids)
    assert now.to_score == 23 and now.finished == 1 and now.submitted_scores == 2
