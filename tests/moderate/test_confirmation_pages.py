"""The chair's two wide actions each have a page that says what will happen before anything does: confirming every
proposal that is not discrepant (how many, and what is left out) and signing off a stage (what it fixes, that it
cannot be undone). Opening the page changes nothing; only its button acts."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import AgreedScore
from recruit.services.assessment import agreement, results
from recruit.services.campaigns.stages import stage_record
from tests.factories import UserFactory, score, sift_campaign
from tests.helpers import banners, parse, signed_in


@pytest.fixture
def sift(admin):
    """Three applications in reference order, two criteria, the chair and one member. The first is 5 and 5 on both
    criteria; the second 5 and 5 on the first and 2 and 6 on the second (discrepant); the third has one score."""
    setup = sift_campaign(admin, applications=3, members=1, keep_criteria=2)
    setup.applications.sort(key=lambda application: application.reference)
    first, second, third = setup.applications
    one, two = setup.campaign.criteria_at("sift")
    for person in setup.assessors:
        score(person, setup, first, one.code, 5)
        score(person, setup, first, two.code, 5)
        score(person, setup, second, one.code, 5)
    for person, value in zip(setup.assessors, (2, 6)):
        score(person, setup, second, two.code, value)
    score(setup.chair, setup, third, one.code, 5)
    return setup


def board_url(setup) -> str:
    return f"/moderate/{setup.campaign.id}/sift"


def agreed_scores() -> int:
    return db.session.scalar(select(func.count()).select_from(AgreedScore))


def text_of(soup, selector: str) -> str:
    return soup.select_one(selector).get_text(" ", strip=True)


# Confirming every proposal --------------------------------------------------------------------------------


def test_the_board_leads_to_a_page_that_counts_what_confirming_would_do(app, sift, count_writes):
    chair = signed_in(app, sift.chair)
    board = parse(chair.client.get(board_url(sift)))
    button = board.select_one("#confirm-all")
    assert button.name == "a", "the board's button opens the confirmation page; it confirms nothing itself"
    assert button["href"] == f"{board_url(sift)}/confirm-all"

    with count_writes() as writes:
        page = parse(chair.client.get(button["href"]))
    assert writes.statements == []
    assert agreed_scores() == 0
    assert text_of(page, "#confirm-summary") == (
        "3 proposed scores, in 2 applications, will be confirmed as agreed scores."
    )
    assert [li.get_text(" ", strip=True) for li in page.select("#not-included li")] == [
        "1 discrepant item is not included: it needs an agreed score with a rationale, on its own page.",
        "2 items are still waiting for scores.",
    ]
    assert page.select_one("main form button").get_text(strip=True) == "Confirm the proposed scores"
    cancel = page.find("a", string="Cancel")
    assert cancel["href"] == board_url(sift)

    response = chair.submit(f"{board_url(sift)}/confirm-all", follow_redirects=True)
    assert banners(parse(response))[0].startswith("3 proposed scores confirmed.")
    assert agreed_scores() == 3

    again = parse(chair.client.get(f"{board_url(sift)}/confirm-all"))
    assert text_of(again, "#confirm-summary") == "No proposal is ready to confirm now."
    assert again.select_one("main form") is None


def test_the_page_says_what_is_left_for_others_when_the_chair_declared_a_conflict(app, sift):
    from recruit.services.assessment import scoring

    scoring.declare(sift.chair, sift.campaign, sift.applications[0], "sift", True, "I managed this candidate.")
    page = parse(signed_in(app, sift.chair).client.get(f"{board_url(sift)}/confirm-all"))
    assert (
        text_of(page, "#confirm-summary") == "1 proposed score, in 1 application, will be confirmed as agreed scores."
    )
    assert text_of(page, "#not-included [data-left=conflict]").startswith(
        "2 proposals are left for an admin or a deputy chair"
    )


def test_once_the_stage_is_signed_off_the_page_says_why_nothing_can_be_confirmed(app, sift):
    record = stage_record(sift.campaign, "sift")
    record.signed_off_at = record.decided_at = utcnow()
    db.session.add(record)
    db.session.commit()
    page = parse(signed_in(app, sift.chair).client.get(f"{board_url(sift)}/confirm-all"))
    assert text_of(page, "#refusal-reason") == "Moderation for this stage is closed."
    assert page.select_one("main form") is None


def test_a_post_without_the_pages_token_confirms_nothing(app, sift):
    chair = signed_in(app, sift.chair)
    assert chair.client.post(f"{board_url(sift)}/confirm-all").status_code == 400
    assert agreed_scores() == 0


@pytest.mark.parametrize("path", ["confirm-all", "sign-off"])
def test_the_pages_are_the_chairs_alone_and_unknown_addresses_are_not_found(app, sift, admin, path):
    chair = signed_in(app, sift.chair)
    campaign_id = sift.campaign.id
    assert chair.client.get(f"/moderate/{campaign_id}/sift/{path}").status_code == 200
    assert chair.client.get(f"/moderate/{campaign_id + 1000}/sift/{path}").status_code == 404
    assert chair.client.get(f"/moderate/{campaign_id}/final/{path}").status_code == 404
    # Another campaign's chair, a panel member, an admin and a candidate are refused, as on the board.
    other = sift_campaign(admin, applications=0, members=1)
    for person in (other.chair, sift.members[0], admin, UserFactory(role="assessor")):
        assert signed_in(app, person).client.get(f"/moderate/{campaign_id}/sift/{path}").status_code == 403
    assert signed_in(app, sift.applications[0].candidate).client.get(
        f"/moderate/{campaign_id}/sift/{path}"
    ).status_code in (403, 404)
    # The other campaign's chair reaches their own page, not this one.
    assert signed_in(app, other.chair).client.get(f"/moderate/{other.campaign.id}/sift/{path}").status_code == 200


# Signing off ----------------------------------------------------------------------------------------------


@pytest.fixture
def agreed(sift):
    """Every item agreed: the third application's missing score added, the discrepant item agreed at 2 (below the
    pass mark), so the first and third pass and the second does not."""
    first, second, third = sift.applications
    one, two = sift.campaign.criteria_at("sift")
    score(sift.members[0], sift, third, one.code, 5)
    for person in sift.assessors:
        score(person, sift, third, two.code, 6)
    agreement.agree(sift.chair, sift.campaign, second, two, "sift", 2, "The example showed little of the result.")
    assert agreement.confirm_all_proposals(sift.chair, sift.campaign, "sift", sift.applications) == 5
    return sift


def sign_off_url(setup) -> str:
    return f"/moderate/{setup.campaign.id}/sift/sign-off"


def test_before_the_decision_the_sign_off_page_says_why_it_cannot_happen(app, agreed):
    results_page = parse(signed_in(app, agreed.chair).client.get(f"{board_url(agreed)}/results"))
    assert results_page.select_one("#sign-off")["href"] == sign_off_url(agreed)
    page = parse(signed_in(app, agreed.chair).client.get(sign_off_url(agreed)))
    assert text_of(page, "#refusal-reason") == "The admin must record the sift decision before sign-off."
    assert page.select_one("main form") is None


def test_the_sign_off_page_says_what_it_fixes_and_that_it_cannot_be_undone(app, agreed, admin, count_writes):
    results.decide(admin, agreed.campaign, "sift", "top_n", 1)
    chair = signed_in(app, agreed.chair)
    with count_writes() as writes:
        page = parse(chair.client.get(sign_off_url(agreed)))
    assert writes.statements == []
    assert stage_record(agreed.campaign, "sift").signed_off_at is None
    assert [li.get_text(" ", strip=True) for li in page.select("#sign-off-fixes li")] == [
        "The sift results: 3 applications with every criterion agreed, 2 passing and 1 not passing. No agreed score "
        "can be reopened and no score can change.",
        "The sift decision (the top 1 by rank): 1 application goes on to interview and 2 do not.",
        "The reports as they stand now: the version kept at sign-off never changes.",
        "Candidates’ names become visible to the panels once the sift is signed off.",
    ]
    assert text_of(page, "#sign-off-warning") == "Warning You cannot undo a sign-off."
    assert page.find("a", string="Cancel")["href"] == f"{board_url(agreed)}/results"

    response = chair.submit(sign_off_url(agreed), follow_redirects=True)
    assert "The sift is signed off." in banners(parse(response))
    db.session.expire_all()
    assert stage_record(agreed.campaign, "sift").signed_off_at is not None
    again = parse(chair.client.get(sign_off_url(agreed)))
    assert text_of(again, "#refusal-reason") == "This stage has already been signed off."


def test_a_sign_off_post_without_the_pages_token_signs_nothing_off(app, agreed, admin):
    results.decide(admin, agreed.campaign, "sift", "all_passing", None)
    assert signed_in(app, agreed.chair).client.post(sign_off_url(agreed)).status_code == 400
    db.session.expire_all()
    assert stage_record(agreed.campaign, "sift").signed_off_at is None
