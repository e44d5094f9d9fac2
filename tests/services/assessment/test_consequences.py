"""What the confirmation pages are told a wide action would do, from the service, without HTTP: the counts are the
ones the action then acts on."""

from __future__ import annotations

from recruit.services.assessment import agreement, consequences, feedback, results, scoring
from tests.factories import INTERVIEW, score, sift_campaign, submit_score


def interview_agreed(admin):
    """Five candidates through the sift; every interview item agreed (INTERVIEW: the fifth fails), not signed off."""
    setup = sift_campaign(admin, applications=5)
    campaign = setup.campaign
    chair, member = setup.to_interview()
    for index, application in enumerate(setup.applications):
        for person in (chair, member):
            scoring.declare(person, campaign, application, "interview", False, "")
            for criterion, value in zip(campaign.criteria_at("interview"), INTERVIEW[index], strict=True):
                submit_score(person, campaign, application, criterion, value, stage="interview", notes="Answered")
    assert agreement.confirm_all_proposals(chair, campaign, "interview", setup.applications) == 20
    return setup, chair


def test_the_bulk_count_is_what_confirming_then_confirms(admin):
    setup = sift_campaign(admin, applications=2, members=1, keep_criteria=2)
    first, second = setup.applications
    one, two = setup.campaign.criteria_at("sift")
    for person in setup.assessors:
        score(person, setup, first, one.code, 5)
        score(person, setup, second, one.code, 5)
    for person, value in zip(setup.assessors, (1, 6)):
        score(person, setup, first, two.code, value)
    scoring.declare(setup.chair, setup.campaign, second, "sift", True, "A former colleague.")

    seen = consequences.bulk_confirmation(setup.chair, setup.campaign, "sift")
    assert (seen.confirmed, seen.applications, seen.discrepant, seen.awaiting, seen.left_for_others) == (1, 1, 1, 1, 1)
    assert seen.may_confirm and seen.leaves_out
    assert agreement.confirm_all_proposals(setup.chair, setup.campaign, "sift", setup.applications) == seen.confirmed

    # A member is told why they may not, and is never offered the button.
    member = consequences.bulk_confirmation(setup.members[0], setup.campaign, "sift")
    assert member.refusal == "Only the panel's chair can moderate this stage" and not member.may_confirm


def test_the_interview_sign_off_counts_who_passes_and_fixes_the_merit_list(admin):
    setup, chair = interview_agreed(admin)
    seen = consequences.sign_off(chair, setup.campaign, "interview")
    assert seen.may_sign_off
    assert (seen.applications, seen.passed, seen.failed, seen.going_on, seen.decision) == (5, 4, 1, None, None)
    assert seen.fixes[0].startswith("The interview results: 5 applications with every criterion agreed, 4 passing")
    assert seen.fixes[1] == "The ranking of the results, as the merit list the offers follow."
    assert not any("names" in sentence for sentence in seen.fixes)
    assert consequences.sign_off(setup.members[0], setup.campaign, "interview").refusal == (
        "Only the panel's chair can sign off the stage"
    )


def test_the_release_counts_everyone_told_and_names_candidates_only_at_interview(admin):
    setup, chair = interview_agreed(admin)
    results.sign_off(chair, setup.campaign, "interview")
    interview = consequences.release(admin, setup.campaign, "interview")
    assert interview.summary == "5 candidates will be told their interview outcome"
    assert [row.name for row in interview.missing] == [
        a.personal_details.full_name for a in sorted(setup.applications, key=lambda a: a.reference)
    ]
    sift = consequences.release(admin, setup.campaign, "sift")
    assert sift.told == 5
    assert interview.gaps == feedback.missing_feedback(setup.campaign, "interview")
