"""An assessor's work list and the page for one answer at a time (DESIGN §6: candidate by candidate, or one criterion
across all candidates): what comes next, how far they have got, and the drafts they have left."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Score
from recruit.services.assessment import scoring
from recruit.services.assessment.assessor_views import ordering
from tests.factories import add_applications, score, sift_campaign
from tests.helpers import PageForm, banners, parse, signed_in


@pytest.fixture
def setup(admin):
    """Five applications, three criteria, a chair and one member."""
    return sift_campaign(admin, applications=5, members=1, keep_criteria=3)


def in_order(setup, member) -> list:
    by_id = {application.id: application for application in setup.applications}
    return [by_id[i] for i in ordering(member, setup.campaign, "sift").ids]


def criteria(setup):
    return setup.campaign.criteria_at("sift")


def rows_of(page) -> dict[str, str]:
    return {
        row["data-reference"]: row.select("td")[1].get_text(" ", strip=True)
        for row in page.select("#work-list tbody tr[data-reference]")
    }


def progress(page) -> dict[str, str]:
    return {
        row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(strip=True)
        for row in page.select("#progress .govuk-summary-list__row")
    }


def test_the_work_list_leads_to_the_next_application_and_says_how_far_the_assessor_has_got(app, setup):
    person = setup.members[0]
    done, drafted, conflicted, untouched, last = in_order(setup, person)
    for criterion in criteria(setup):
        score(person, setup, done, criterion.code, 5)
    score(person, setup, drafted, criteria(setup)[1].code, 3, submit=False)
    scoring.declare(person, setup.campaign, conflicted, "sift", True, "My sister.")
    url = f"/assess/{setup.campaign.id}/sift"
    page = parse(signed_in(app, person).client.get(url))

    go_on = page.select_one("a#continue")
    assert (go_on.get_text(strip=True), go_on["href"]) == (
        "Continue with the next application",
        f"{url}/{drafted.reference}",
    )
    assert progress(page) == {"Applications scored": "1 of 4", "Scores submitted": "3", "Drafts": "1"}
    assert rows_of(page) == {
        done.reference: "3 of 3 submitted",
        drafted.reference: "0 of 3 submitted, 1 draft",
        conflicted.reference: "Conflict declared",
        untouched.reference: "0 of 3 submitted",
        last.reference: "0 of 3 submitted",
    }


def test_the_drafts_filter_lists_only_applications_with_drafts_page_by_page(app, setup):
    person, campaign = setup.members[0], setup.campaign
    added = add_applications(campaign, 60, start=10)
    # Drafts on 55 of the added applications (more than a page of 50), on one criterion each.
    db.session.execute(
        insert(Score),
        [
            {
                "application_id": application_id,
                "criterion_id": criteria(setup)[0].id,
                "assessor_id": person.id,
                "stage": "sift",
                "value": 4,
                "rationale": "",
                "status": "draft",
                "ticked": [],
                "created_at": utcnow(),
                "version": 1,
            }
            for application_id, _ in added[:55]
        ],
    )
    db.session.commit()
    with_drafts = {reference for _, reference in added[:55]}
    client = signed_in(app, person).client
    url = f"/assess/{campaign.id}/sift"
    everything = parse(client.get(url))
    assert everything.select_one("#filter a").get_text(strip=True) == "only those with drafts (55)"
    first = parse(client.get(everything.select_one("#filter a")["href"]))
    assert first.select_one("#filter strong").get_text(strip=True) == "only those with drafts (55)"
    next_page = first.select_one(".govuk-pagination__next a")["href"]
    assert "show=drafts" in next_page and "page=2" in next_page
    second = parse(client.get(next_page))
    listed = [*rows_of(first), *rows_of(second)]
    assert len(listed) == 55 and set(listed) == with_drafts
    order = ordering(person, campaign, "sift")
    expected = [order.references[i] for i in order.ids if order.references[i] in with_drafts]
    assert listed == expected, "in the assessor's own order"
    assert set(rows_of(first).values()) == {"0 of 3 submitted, 1 draft"}
    assert (
        parse(client.get(f"{url}?show=drafts&by=criterion&criterion={criteria(setup)[1].code}"))
        .select_one("#work-list tbody td")
        .get_text(strip=True)
        == "No applications with drafts."
    )


def test_one_criterion_across_all_applications_one_answer_at_a_time(app, setup):
    person = setup.members[0]
    member = signed_in(app, person)
    first, second, third, fourth, fifth = in_order(setup, person)
    criterion = criteria(setup)[1]
    code = criterion.code
    score(person, setup, second, code, 5)
    scoring.declare(person, setup.campaign, fourth, "sift", True, "My cousin.")
    work = f"/assess/{setup.campaign.id}/sift?by=criterion&criterion={code}"
    listed = parse(member.client.get(work))
    go_on = listed.select_one("a#continue")
    answer = f"/assess/{setup.campaign.id}/sift/{first.reference}/{code}?by=criterion"
    assert (go_on.get_text(strip=True), go_on["href"]) == ("Continue with the next answer", answer)
    assert progress(listed)["Answers scored"] == "1 of 4"

    page = parse(member.client.get(answer))
    assert page.select_one("#answers-progress").get_text(strip=True) == "1 of 4 answers scored"
    assert (
        page.select_one(".govuk-back-link")["href"] == f"/assess/{setup.campaign.id}/sift?by=criterion&criterion={code}"
    )
    buttons = [b.get_text(strip=True) for b in page.select("main form .govuk-button-group button")]
    assert buttons == ["Submit and next answer", "Submit score", "Save as draft"]

    visited = []
    url = answer
    while True:
        visited.append(url)
        form = PageForm(member.client, url).set("value", "4").set("rationale", "Adequate evidence.")
        response = form.press("submit_next", "Submit and next answer")
        assert response.status_code == 302
        url = response.location
        if "?by=criterion" not in url or "/sift/RC-" not in url:
            break
    # The second was scored already and the fourth is conflicted: neither is offered.
    assert visited == [
        f"/assess/{setup.campaign.id}/sift/{application.reference}/{code}?by=criterion"
        for application in (first, third, fifth)
    ]
    assert url == f"/assess/{setup.campaign.id}/sift?by=criterion&criterion={code}"
    done = parse(member.client.get(url))
    assert banners(done) == [f"Score submitted for {fifth.reference}. You have scored every answer."]
    assert done.select_one("#all-scored").get_text(strip=True) == f"You have scored every answer for {criterion.name}."
    assert progress(done)["Answers scored"] == "4 of 4"
