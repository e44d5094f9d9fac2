"""Feedback a candidate at a time: every criterion's feedback on one page, starting from drafts built from the
moderated record, saved together (all of it or, on any problem, none); and an overview of whose feedback is
complete, reached from the board and from the release step."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from recruit.extensions import db
from recruit.models import AgreedScore, AuditEvent
from recruit.services.assessment import agreement, feedback, results, scoring
from recruit.services.campaigns import criteria as criteria_service
from tests.factories import score, sift_campaign
from tests.helpers import banners, error_messages, parse, signed_in


@pytest.fixture
def five(admin):
    """Three applications with five sift criteria (Band B's four and one of the campaign's own), the chair and one
    member, every item scored 5 by both (with an indicator ticked where there are indicators) and agreed."""

    def own_criterion(campaign):
        criteria_service.add_own_criterion(
            admin, campaign, "Experience of casework", "Two years of casework or similar.", True, False
        )

    setup = sift_campaign(admin, applications=3, members=1, configure=own_criterion)
    setup.applications.sort(key=lambda application: application.reference)
    criteria = setup.campaign.criteria_at("sift")
    assert len(criteria) == 5
    for application in setup.applications:
        for criterion in criteria:
            lists = scoring.indicator_choices(criterion)
            for person, ticks in zip(setup.assessors, (lists["effective"][:1], lists["ineffective"][:1])):
                score(person, setup, application, criterion.code, 5, ticked=[i.id for i in ticks])
    agreement.confirm_all_proposals(setup.chair, setup.campaign, "sift", setup.applications)
    return setup


def page_url(setup, application) -> str:
    return f"/moderate/{setup.campaign.id}/sift/feedback/{application.reference}"


def overview_url(setup, **query) -> str:
    tail = "&".join(f"{name}={value}" for name, value in query.items())
    return f"/moderate/{setup.campaign.id}/sift/feedback" + (f"?{tail}" if tail else "")


def saved(application) -> dict[str, str]:
    db.session.expire_all()
    return {
        row.criterion.code: row.feedback
        for row in db.session.scalars(select(AgreedScore).where(AgreedScore.application_id == application.id))
    }


def overview_rows(page) -> dict[str, list[str]]:
    return {
        row["data-reference"]: [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in page.select("#feedback-overview tbody tr[data-reference]")
    }


def test_feedback_for_a_candidate_with_five_criteria_is_written_on_one_page(app, five):
    first, second, third = five.applications
    criteria = five.campaign.criteria_at("sift")
    chair = signed_in(app, five.chair)

    # From the board, the overview; from the overview, the first candidate's page.
    board = parse(chair.client.get(f"/moderate/{five.campaign.id}/sift"))
    assert board.find("a", string="Feedback for candidates")["href"] == overview_url(five)
    overview = parse(chair.client.get(overview_url(five)))
    assert overview.select_one("#feedback-summary").get_text(strip=True) == (
        "0 of 3 candidates have feedback on every criterion."
    )
    link = overview.select_one(f"tr[data-reference='{first.reference}'] a")
    assert link.get_text(" ", strip=True) == f"Write feedback for {first.reference}"
    assert link["href"] == page_url(five, first)

    page = parse(chair.client.get(link["href"]))
    boxes = page.select("main form textarea")
    assert [box["name"] for box in boxes] == [f"feedback-{c.code}" for c in criteria]
    assert [page.select_one(f"label[for={box['id']}]").get_text(strip=True) for box in boxes] == [
        f"Feedback on {c.name}" for c in criteria
    ]
    # Each box starts from the draft the moderated record gives, as the page per criterion did.
    for criterion, box in zip(criteria, boxes):
        agreed = agreement.item_for(five.campaign, "sift", first, criterion).agreed
        assert box.get_text().strip() == feedback.draft(agreed), criterion.code
    assert page.select_one("#drafted") is not None
    assert len(page.select("main button[type=submit]")) == 1

    written = {f"feedback-{c.code}": f"On {c.name}: a clear example; say more about the result." for c in criteria}
    response = chair.submit_as_shown(page_url(five, first), written)
    assert response.location == overview_url(five)
    assert saved(first) == {c.code: f"On {c.name}: a clear example; say more about the result." for c in criteria}
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "feedback.written")).all()
    assert len(events) == 5 and {e.actor_id for e in events} == {five.chair.id}

    overview = parse(chair.client.get(response.location))
    assert banners(overview) == [
        f"Feedback saved for {first.reference}. Candidates see it once an admin releases the outcomes."
    ]
    assert overview.select_one("#feedback-summary").get_text(strip=True) == (
        "1 of 3 candidates have feedback on every criterion."
    )
    rows = overview_rows(overview)
    assert rows[first.reference][1:4] == ["5 of 5", "5 of 5", "Complete"]
    assert rows[second.reference][1:4] == ["5 of 5", "0 of 5", "Not started"]
    assert rows[first.reference][4] == f"Change feedback for {first.reference}"

    # Saved as the drafts stand, but for the first criterion emptied: the campaign's own criterion has neither
    # indicators nor an agreed rationale, so no draft either. In progress; the filters list each.
    chair.submit_as_shown(page_url(five, second), {f"feedback-{criteria[0].code}": ""})
    assert overview_rows(parse(chair.client.get(overview_url(five))))[second.reference][1:4] == [
        "5 of 5",
        "3 of 5",
        "In progress",
    ]
    assert list(overview_rows(parse(chair.client.get(overview_url(five, view="complete"))))) == [first.reference]
    assert list(overview_rows(parse(chair.client.get(overview_url(five, view="incomplete"))))) == [
        second.reference,
        third.reference,
    ]


def test_criteria_not_agreed_yet_wait_and_the_rest_can_be_written(app, admin):
    setup = sift_campaign(admin, applications=1, members=1, keep_criteria=2)
    [application] = setup.applications
    one, two = setup.campaign.criteria_at("sift")
    for person in setup.assessors:
        score(person, setup, application, one.code, 5)
    agreement.agree(setup.chair, setup.campaign, application, one, "sift", 5, "Agreed: good.")
    chair = signed_in(app, setup.chair)
    page = parse(chair.client.get(page_url(setup, application)))
    assert [box["name"] for box in page.select("textarea")] == [f"feedback-{one.code}"]
    waiting = page.select_one(f"#criterion-{two.code} .recruit-not-agreed")
    assert waiting.get_text(strip=True) == "The score is not agreed yet. Feedback can be written once it is."
    chair.submit_as_shown(page_url(setup, application), {f"feedback-{one.code}": "Good example."})
    assert saved(application) == {one.code: "Good example."}
    row = overview_rows(parse(chair.client.get(overview_url(setup))))[application.reference]
    assert row[1:4] == ["1 of 2", "1 of 2", "In progress"]


def test_nothing_is_saved_when_one_criterion_is_refused(app, five):
    first = five.applications[0]
    one, two, *_ = five.campaign.criteria_at("sift")
    chair = signed_in(app, five.chair)
    before = saved(first)

    response = chair.submit_as_shown(
        page_url(five, first), {f"feedback-{one.code}": "Fine.", f"feedback-{two.code}": "x" * 5001}
    )
    assert response.status_code == 200
    page = parse(response)
    assert error_messages(page) == [f"Feedback on {two.name} must be 5000 characters or fewer"]
    assert page.select_one(".govuk-error-summary a")["href"] == f"#feedback-{two.code}"
    assert page.select_one(f"textarea#feedback-{one.code}").get_text() == "Fine.", "what was typed stays"
    assert saved(first) == before

    response = chair.submit_as_shown(page_url(five, first), {f"feedback-{one.code}": "Fine\x00."})
    assert error_messages(parse(response)) == [f"Feedback on {one.name} must not include a null character"]
    assert saved(first) == before


def test_a_change_made_since_the_page_was_opened_is_not_overwritten_unseen(app, five):
    first = five.applications[0]
    one, two, *_ = five.campaign.criteria_at("sift")
    chair = signed_in(app, five.chair)
    opened = parse(chair.client.get(page_url(five, first)))
    form = {field["name"]: field.get("value", "") for field in opened.select("main form input[type=hidden]")}
    # Meanwhile the chair saves the first criterion's feedback in another tab.
    chair.submit_as_shown(page_url(five, first), {f"feedback-{one.code}": "Saved in the other tab."})

    response = chair.client.post(page_url(five, first), data={**form, f"feedback-{two.code}": "Typed here."})
    assert response.status_code == 200
    page = parse(response)
    assert error_messages(page) == [
        "Someone else changed this candidate's feedback or agreed scores after you opened the page. Check the "
        "feedback below and save it again"
    ]
    assert page.select_one(f"textarea#feedback-{two.code}").get_text() == "Typed here."
    draft = feedback.draft(agreement.item_for(five.campaign, "sift", first, two).agreed)
    assert saved(first)[one.code] == "Saved in the other tab." and saved(first)[two.code] == draft
    # Saving again, once checked, is accepted: the page now carries the versions it was shown with.
    again = {field["name"]: field.get("value", "") for field in page.select("main form input[type=hidden]")}
    response = chair.client.post(
        page_url(five, first), data={**again, f"feedback-{one.code}": "Checked.", f"feedback-{two.code}": "Typed here."}
    )
    assert response.status_code == 302
    assert (saved(first)[one.code], saved(first)[two.code]) == ("Checked.", "Typed here.")


def test_a_score_reopened_since_the_page_was_opened_refuses_the_save(app, five):
    first = five.applications[0]
    one = five.campaign.criteria_at("sift")[0]
    chair = signed_in(app, five.chair)
    opened = parse(chair.client.get(page_url(five, first)))
    data = {field["name"]: field.get("value", "") for field in opened.select("main form input[type=hidden]")}
    agreed = agreement.item_for(five.campaign, "sift", first, one).agreed
    agreement.reopen(five.chair, five.campaign, agreed, "Member 1 scored the wrong statement.")
    before = saved(first)
    response = chair.client.post(page_url(five, first), data={**data, f"feedback-{one.code}": "Written."})
    assert error_messages(parse(response)) == [
        f"The score for {one.name} is no longer agreed, so its feedback cannot be saved. Reload the page"
    ]
    assert saved(first) == before


def test_the_release_step_leads_to_the_overview_and_back(app, five, admin):
    results.decide(admin, five.campaign, "sift", "all_passing", None)
    results.sign_off(five.chair, five.campaign, "sift")
    pages = signed_in(app, admin)
    release = parse(pages.client.get(f"/admin/campaigns/{five.campaign.id}/release/sift"))
    link = release.select_one("#feedback-overview-link")
    assert link["href"] == overview_url(five)
    overview = parse(pages.client.get(link["href"]))
    assert overview.select_one("#feedback-summary").get_text(strip=True) == (
        "0 of 3 candidates have feedback on every criterion."
    )
    assert overview.find("a", string="Release the sift outcomes and feedback")["href"] == (
        f"/admin/campaigns/{five.campaign.id}/release/sift"
    )
    # The admin reads each candidate's feedback; the chair writes it.
    first = five.applications[0]
    assert overview.select_one(f"tr[data-reference='{first.reference}'] a").get_text(" ", strip=True) == (
        f"View feedback for {first.reference}"
    )
    page = parse(pages.client.get(page_url(five, first)))
    assert page.select("textarea") == []
    assert page.select_one("#refusal").get_text(strip=True) == "Only the panel's chair writes feedback."


def test_a_box_not_sent_leaves_its_feedback_as_it_was(app, five):
    first = five.applications[0]
    one, two, *_ = five.campaign.criteria_at("sift")
    chair = signed_in(app, five.chair)
    chair.submit_as_shown(page_url(five, first), {f"feedback-{two.code}": "Kept as it was."})
    page = parse(chair.client.get(page_url(five, first)))
    hidden = {field["name"]: field.get("value", "") for field in page.select("main form input[type=hidden]")}
    response = chair.client.post(page_url(five, first), data={**hidden, f"feedback-{one.code}": "Only this one."})
    assert response.status_code == 302
    assert (saved(first)[one.code], saved(first)[two.code]) == ("Only this one.", "Kept as it was.")
