"""The chair settles a discrepancy on the item page: the candidate's evidence, every assessor's score, ticks and
rationale side by side, the proposal, why the item is discrepant in plain words, and the agree form, with a button
that agrees and opens the next discrepant item. The board counts the items by state, offers the next one to agree,
and keeps its filter and page from the board to an item and back."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from recruit.extensions import db
from recruit.models import AgreedScore, AuditEvent
from recruit.services.assessment import scoring
from recruit.services.interview import questions
from tests.factories import add_applications, add_scores, score, sift_campaign
from tests.helpers import banners, error_messages, parse, path_of, signed_in


@pytest.fixture
def sift(admin):
    """Three applications in reference order (first, second, third), two criteria, the chair and one member.

    The first's first criterion is 3 (the chair) and 6 (the member), with indicators ticked: discrepant. The
    second's second criterion is 2 and 5: discrepant too. Every other item of the first two is 5 and 5; the
    third is not scored yet.
    """
    setup = sift_campaign(admin, applications=3, members=1, keep_criteria=2)
    setup.applications.sort(key=lambda application: application.reference)
    first, second, _ = setup.applications
    one, two = setup.campaign.criteria_at("sift")
    lists = scoring.indicator_choices(one)
    setup.ticks = {
        "chair": ([lists["effective"][0]], [lists["ineffective"][0]]),
        "member": ([lists["effective"][1], lists["effective"][2]], []),
    }
    chair_ticks = [i.id for kind in setup.ticks["chair"] for i in kind]
    member_ticks = [i.id for kind in setup.ticks["member"] for i in kind]
    score(setup.chair, setup, first, one.code, 3, "CHAIR: one example, and the outcome is unclear.", chair_ticks)
    score(setup.members[0], setup, first, one.code, 6, "MEMBER: a strong example of explaining change.", member_ticks)
    for person, value in zip(setup.assessors, (2, 5)):
        score(person, setup, second, two.code, value, f"Scored {value}.")
    for application, criterion in ((first, two), (second, one)):
        for person in setup.assessors:
            score(person, setup, application, criterion.code, 5)
    return setup


def board_url(setup, **query) -> str:
    tail = "&".join(f"{name}={value}" for name, value in query.items())
    return f"/moderate/{setup.campaign.id}/sift" + (f"?{tail}" if tail else "")


def item_url(setup, application, criterion) -> str:
    return f"/moderate/{setup.campaign.id}/sift/items/{application.reference}/{criterion.code}"


def agreed_scores() -> int:
    return db.session.scalar(select(func.count()).select_from(AgreedScore))


def test_a_chair_agrees_a_discrepant_item_without_leaving_the_item_page_to_read_the_evidence(app, sift):
    first, second, _ = sift.applications
    one, two = sift.campaign.criteria_at("sift")
    chair = signed_in(app, sift.chair)

    # From the board, the next item to agree is the first discrepancy.
    board = parse(chair.client.get(board_url(sift)))
    next_item = board.select_one("a#next-item")
    assert next_item["href"] == item_url(sift, first, one)
    assert next_item.get_text(strip=True) == "Next item to agree"

    page = parse(chair.client.get(next_item["href"]))
    # The candidate's evidence, on the page where the score is agreed.
    assert page.select_one("#statement").get_text(strip=True) == first.statement_for(one).text
    # Each assessor's score, ticks and rationale, side by side.
    cards = page.select("#scores .govuk-grid-column-one-half .govuk-summary-card")
    assert [card["data-assessor"] for card in cards] == [sift.chair.email, sift.members[0].email]
    shown = [
        {
            "name": card.select_one(".govuk-summary-card__title").get_text(strip=True),
            "score": card.select_one(".recruit-card-score").get_text(strip=True),
            "effective": [li.get_text(strip=True) for li in card.select("[data-kind=effective] li")],
            "ineffective": [li.get_text(strip=True) for li in card.select("[data-kind=ineffective] li")],
            "rationale": card.select_one(".recruit-rationale").get_text(strip=True),
        }
        for card in cards
    ]
    assert shown == [
        {
            "name": "Chair Person",
            "score": "Score: 3 – Moderate",
            "effective": [sift.ticks["chair"][0][0].text],
            "ineffective": [sift.ticks["chair"][1][0].text],
            "rationale": "CHAIR: one example, and the outcome is unclear.",
        },
        {
            "name": "Member 1",
            "score": "Score: 6 – Strong",
            "effective": [i.text for i in sift.ticks["member"][0]],
            "ineffective": [],
            "rationale": "MEMBER: a strong example of explaining change.",
        },
    ]
    # The proposal, and why the item is discrepant, in plain words.
    assert page.select_one("#proposal").get_text(strip=True) == "5"
    assert page.select_one("#proposal-explained").get_text(strip=True) == (
        "The mean of 3 and 6 is 4.5; halves round up, so it is 5."
    )
    assert [li.get_text(strip=True) for li in page.select("#discrepancy-reasons li")] == [
        "Scores 3 and 6 differ by 3; the threshold is 2.",
        "3 is below the pass mark of 4, while 6 is at or above it.",
    ]
    # The agree form, with the button that goes on to the next discrepancy, which the page names.
    assert [b.get_text(strip=True) for b in page.select("form .govuk-button-group button")] == [
        "Agree and go to the next discrepant item",
        "Agree score",
    ]
    assert page.select_one("#next-discrepant").get_text(strip=True) == (
        f"The next discrepant item is {second.reference}, {two.name}."
    )

    response = chair.submit_as_shown(
        item_url(sift, first, one),
        {"value": "4", "rationale": "The example is sound but the outcome is not shown."},
        button="Agree and go to the next discrepant item",
    )
    assert path_of(response) == item_url(sift, second, two)
    page = parse(chair.client.get(response.location))
    assert banners(page) == [
        f"Agreed score recorded for {first.reference}, {one.name}. This is the next discrepant item."
    ]
    agreed = db.session.scalar(select(AgreedScore).where(AgreedScore.application_id == first.id))
    assert (agreed.value, agreed.proposal, agreed.discrepant, agreed.rationale) == (
        4,
        5,
        True,
        "The example is sound but the outcome is not shown.",
    )
    # The last discrepancy: the page offers no next one, and agreeing returns to the board.
    assert page.select_one("#next-discrepant") is None
    assert [b.get_text(strip=True) for b in page.select("form .govuk-button-group button")] == ["Agree score"]
    response = chair.submit_as_shown(item_url(sift, second, two), {"value": "3", "rationale": "Limited evidence."})
    assert path_of(response) == board_url(sift)
    board = parse(chair.client.get(response.location))
    assert banners(board) == [f"Agreed score recorded for {second.reference}, {two.name}."]
    # What is left to agree is not discrepant: the board offers it next.
    assert board.select_one("#next-item-is").get_text(strip=True) == (
        f"Next: {first.reference}, {two.name} (ready to confirm)."
    )


def test_agreeing_and_going_on_when_no_discrepancy_is_left_returns_to_the_board_and_says_so(app, sift):
    first, second, _ = sift.applications
    one, two = sift.campaign.criteria_at("sift")
    chair = signed_in(app, sift.chair)
    # A page opened while another discrepancy was left; by the time it is sent, none is.
    page = parse(chair.client.get(item_url(sift, first, one)))
    assert page.select_one("button#next_item") is not None
    chair.submit_as_shown(
        item_url(sift, second, two), {"value": "3", "rationale": "Limited evidence."}, follow_redirects=True
    )
    response = chair.client.post(
        item_url(sift, first, one),
        data={
            "csrf_token": page.select_one("input[name=csrf_token]")["value"],
            "value": "5",
            "rationale": "Settled.",
            "next_item": page.select_one("button#next_item")["value"],
        },
    )
    assert path_of(response) == board_url(sift)
    message = banners(parse(chair.client.get(response.location)))[0]
    assert message.endswith(
        f"Agreed score recorded for {first.reference}, {one.name}. There are no more discrepant items for you to agree."
    )


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"rationale": ""}, "Enter the rationale for the agreed score: this item is discrepant"),
        ({"rationale": "   "}, "Enter the rationale for the agreed score: this item is discrepant"),
        ({"value": "9", "rationale": "Settled."}, "Select the agreed score"),
        ({"value": "five", "rationale": "Settled."}, "Select the agreed score"),
        ({"value": "", "rationale": "Settled."}, "Select the agreed score"),
        ({"rationale": "x" * 10001}, "Rationale must be 10000 characters or fewer"),
        ({"rationale": "Settled\x00."}, "Rationale must not include a null character"),
    ],
)
def test_a_refused_agreement_keeps_the_chair_on_the_item_with_its_evidence(app, sift, changes, message):
    first, _, _ = sift.applications
    one, _ = sift.campaign.criteria_at("sift")
    chair = signed_in(app, sift.chair)
    before = (agreed_scores(), db.session.scalar(select(func.count()).select_from(AuditEvent)))

    response = chair.submit_as_shown(
        item_url(sift, first, one), changes, button="Agree and go to the next discrepant item"
    )
    assert response.status_code == 200
    page = parse(response)
    assert error_messages(page) == [message]
    assert page.title.get_text().startswith("Error: ")
    # Still there to read, beside the error: the evidence, the scores and why the item is discrepant.
    assert page.select_one("#statement").get_text(strip=True) == first.statement_for(one).text
    assert len(page.select("#scores [data-assessor]")) == 2
    assert page.select("#discrepancy-reasons li")
    db.session.expire_all()
    assert (agreed_scores(), db.session.scalar(select(func.count()).select_from(AuditEvent))) == before


def test_the_board_counts_items_by_state_and_offers_the_next_to_agree(app, sift):
    chair = signed_in(app, sift.chair)
    board = parse(chair.client.get(board_url(sift)))
    counts = {
        row["data-view"]: row.select_one(".govuk-summary-list__value").get_text(strip=True)
        for row in board.select("#counts [data-view]")
    }
    assert counts == {"all": "6", "discrepant": "2", "ready": "2", "awaiting": "2", "agreed": "0"}
    shown = {row["data-view"]: row.select_one("a") for row in board.select("#counts [data-view]")}
    assert shown["all"] is None, "the view shown is not a link"
    assert shown["discrepant"]["href"] == board_url(sift, view="discrepant")
    first, second, _ = sift.applications
    one, two = sift.campaign.criteria_at("sift")
    assert board.select_one("#next-item-is").get_text(strip=True) == (
        f"Next: {first.reference}, {one.name} (discrepant)."
    )

    discrepant = parse(chair.client.get(board_url(sift, view="discrepant")))
    assert [row["data-item"] for row in discrepant.select("#board tbody tr[data-item]")] == [
        f"{first.reference}/{one.code}",
        f"{second.reference}/{two.code}",
    ]
    assert discrepant.select_one("#board caption").get_text(strip=True) == "Discrepant (2)"


def test_the_board_filters_before_it_pages_and_keeps_the_filter_from_board_to_item_and_back(app, admin):
    setup = sift_campaign(admin, applications=0, members=1, keep_criteria=1)
    campaign, chair = setup.campaign, setup.chair
    ids = [application_id for application_id, _ in add_applications(campaign, 120, start=1)]
    # Half of them discrepant (2 and 5), half not (5 and 5): 60 discrepant items, two pages of the board's 50.
    add_scores(campaign, ids[:60], [chair], value=2)
    add_scores(campaign, ids[60:], [chair], value=5)
    add_scores(campaign, ids, setup.members, value=5)
    client = signed_in(app, chair).client

    first_page = parse(client.get(board_url(setup, view="discrepant")))
    rows = first_page.select("#board tbody tr[data-item]")
    assert len(rows) == 50
    assert {row.select("td")[5].get_text(strip=True) for row in rows} == {"Discrepant"}
    second_link = first_page.select_one(".govuk-pagination__next a")["href"]
    assert parse_qs(urlsplit(second_link).query) == {"view": ["discrepant"], "page": ["2"]}
    second_page = parse(client.get(second_link))
    rows = second_page.select("#board tbody tr[data-item]")
    assert len(rows) == 10 and {row.select("td")[5].get_text(strip=True) for row in rows} == {"Discrepant"}

    # An item opened from the second page of the discrepant items leads back there, and so does agreeing it.
    link = rows[0].select_one("td a")["href"]
    assert parse_qs(urlsplit(link).query) == {"view": ["discrepant"], "page": ["2"]}
    item = parse(client.get(link))
    assert item.select_one(".govuk-back-link")["href"] == board_url(setup, view="discrepant", page=2)
    forms = signed_in(app, chair)
    response = forms.submit_as_shown(link, {"rationale": "Settled."}, button="Agree score")
    assert response.location == board_url(setup, view="discrepant", page=2)
    # And going on to the next discrepancy keeps them too.
    link = rows[1].select_one("td a")["href"]
    response = forms.submit_as_shown(link, {"rationale": "Settled."}, button="Agree and go to the next discrepant item")
    assert re.fullmatch(r".*/items/RC-\w{6}/[\w-]+\?view=discrepant&page=2", response.location)
    # A filter or page the board does not have is the board's first page of everything.
    assert parse(client.get(board_url(setup, view="everything", page="x"))).select_one("#board caption").get_text(
        strip=True
    ) == ("All items (120)")


def test_at_interview_the_item_shows_the_questions_asked_and_what_each_assessor_heard(app, admin):
    setup = sift_campaign(admin, applications=1, members=1, keep_criteria=1)
    campaign, [application] = setup.campaign, setup.applications
    [criterion] = campaign.criteria_at("interview")
    asked = questions.add(admin, "Tell us about a time you explained a change.", None, None)
    questions.choose(admin, criterion, [asked.id])
    chair, member = setup.to_interview()
    for person, value in ((chair, 3), (member, 6)):
        scoring.declare(person, campaign, application, "interview", False, "")
        scoring.save(
            person,
            campaign,
            application,
            criterion,
            "interview",
            scoring.ScoreInput(value=value, ticked=[], rationale=f"Scored {value}.", notes=f"HEARD by {person.name}"),
            submit=True,
            version=None,
            confirmed=True,
        )
    page = parse(
        signed_in(app, chair).client.get(
            f"/moderate/{campaign.id}/interview/items/{application.reference}/{criterion.code}"
        )
    )
    assert page.select_one("#statement") is None, "the written evidence is the sift's"
    assert [li.get_text(strip=True) for li in page.select("#questions li")] == [
        "Tell us about a time you explained a change."
    ]
    assert [note.get_text(strip=True) for note in page.select("#scores .recruit-notes")] == [
        f"HEARD by {chair.name}",
        f"HEARD by {member.name}",
    ]
    assert [li.get_text(strip=True) for li in page.select("#discrepancy-reasons li")] == [
        "Scores 3 and 6 differ by 3; the threshold is 2.",
        "3 is below the pass mark of 4, while 6 is at or above it.",
    ]
    assert page.select_one("button#next_item") is None, "no other discrepancy to go on to"
