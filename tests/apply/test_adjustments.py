"""The candidate's adjustments pages: the entry on the task list and the link from the interview invitation, asking
with the GOV.UK error summary for every bad answer, reading the response, and no way in to anyone else's."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import AdjustmentRequest
from recruit.services.applications import adjustments
from recruit.services.applications import submission as applications
from recruit.services.interview import invitations as interviews
from tests.factories import open_campaign, sift_campaign
from tests.helpers import error_messages, parse, signed_in

NEEDS = "I need a British Sign Language interpreter at the interview."


@pytest.fixture
def setup(make_user):
    return sift_campaign(make_user(role="admin"), applications=2)


def url(application, ask: bool = False) -> str:
    return f"/applications/{application.reference}/adjustments" + ("/ask" if ask else "")


def count() -> int:
    return db.session.scalar(select(func.count(AdjustmentRequest.id))) or 0


def task_entry(browser, application):
    page = parse(browser.client.get(f"/applications/{application.reference}"))
    return page.select_one("#adjustments")


def test_a_candidate_asks_from_their_task_list_and_reads_the_response(app, setup):
    application = setup.applications[0]
    browser = signed_in(app, application.candidate)
    entry = task_entry(browser, application)
    assert entry.select_one("#adjustments-link a")["href"] == url(application)
    assert entry.select_one("#adjustments-link a").get_text(strip=True) == "Ask for adjustments"
    assert entry.select_one("#adjustments-status") is None
    listing = parse(browser.client.get(url(application)))
    assert listing.select_one("#adjustment-requests") is None
    assert listing.select_one("#ask-adjustment")["href"] == url(application, ask=True)
    form = parse(browser.client.get(url(application, ask=True)))
    assert [radio["value"] for radio in form.select("input[name=category]")] == [
        "extra_time",
        "physical_access",
        "assistive_technology",
        "communication_support",
        "document_format",
        "breaks_or_timing",
        "other",
    ]
    assert "British Sign Language" in form.select_one("label[for=category-4]").get_text()

    response = browser.submit(url(application, ask=True), {"category": "communication_support", "details": NEEDS})
    assert response.status_code == 302 and response.location.endswith(url(application))
    listing = parse(browser.client.get(url(application)))
    assert "Your request for adjustments has been sent" in listing.get_text()
    [card] = listing.select("#adjustment-requests [data-adjustment]")
    assert card.select_one(".recruit-adjustment-details").get_text(strip=True) == NEEDS
    assert card.select_one(".recruit-adjustment-outcome").get_text(strip=True) == "Awaiting a response"
    assert card.select_one(".recruit-adjustment-agreed") is None
    assert task_entry(browser, application).select_one("#adjustments-status").get_text() == "Awaiting a response"

    [request] = adjustments.requests_for(application)
    adjustments.respond(
        setup.admin,
        request,
        outcome="agreed",
        agreed="We have booked an interpreter for your interview.",
        panel_note="A BSL interpreter will attend.",
    )
    card = parse(browser.client.get(url(application))).select_one("[data-adjustment]")
    assert card.select_one(".recruit-adjustment-outcome").get_text(strip=True) == "Agreed"
    assert card.select_one(".recruit-adjustment-agreed").get_text(strip=True) == (
        "We have booked an interpreter for your interview."
    )
    assert card.select_one(".recruit-adjustment-panel-note").get_text(strip=True) == "A BSL interpreter will attend."
    assert task_entry(browser, application).select_one("#adjustments-status").get_text() == "Response received"


@pytest.mark.parametrize(
    "data, messages",
    [
        ({}, ["Select what kind of adjustment you need", "Describe the adjustment you need"]),
        ({"details": NEEDS}, ["Select what kind of adjustment you need"]),
        ({"category": "teleportation", "details": NEEDS}, ["Select one of the kinds of adjustment listed"]),
        ({"category": "other", "details": "   "}, ["Describe the adjustment you need"]),
        ({"category": "other", "details": "x" * 2001}, ["Your description must be 2,000 characters or fewer"]),
        ({"category": "other", "details": "a\x00b"}, ["Tell us what you need must not include a null character"]),
    ],
)
def test_bad_answers_are_shown_in_the_error_summary_and_nothing_is_saved(app, setup, data, messages):
    application = setup.applications[0]
    browser = signed_in(app, application.candidate)
    response = browser.submit(url(application, ask=True), data)
    assert response.status_code == 200
    soup = parse(response)
    assert error_messages(soup) == messages
    assert soup.title.get_text().startswith("Error:")
    assert count() == 0


def test_what_was_typed_stays_after_an_error(app, setup):
    application = setup.applications[0]
    browser = signed_in(app, application.candidate)
    soup = parse(browser.submit(url(application, ask=True), {"details": NEEDS}))
    assert soup.select_one("textarea[name=details]").get_text() == NEEDS


def test_nobody_else_reaches_a_candidates_adjustments(app, setup):
    first, second = setup.applications
    browser = signed_in(app, second.candidate)
    assert browser.client.get(url(first)).status_code == 404
    assert browser.client.get(url(first, ask=True)).status_code == 404
    response = browser.submit(url(first, ask=True), {"category": "other", "details": NEEDS}, page=url(second, ask=True))
    assert response.status_code == 404
    assert count() == 0


def test_a_withdrawn_application_shows_why_no_request_can_be_made(app, setup):
    application = setup.applications[0]
    browser = signed_in(app, application.candidate)
    page_before = browser.client.get(url(application, ask=True)).get_data(as_text=True)
    applications.withdraw(application.candidate, application)
    assert task_entry(browser, application) is None
    listing = parse(browser.client.get(url(application)))
    assert listing.select_one("#ask-adjustment") is None
    assert listing.select_one("#adjustments-closed").get_text(strip=True) == (
        "You withdrew this application, so you cannot ask for adjustments for it."
    )
    assert parse(browser.client.get(url(application, ask=True))).select_one("form#adjustment-form") is None
    response = browser.submit(url(application, ask=True), {"category": "other", "details": NEEDS}, page=page_before)
    assert response.status_code == 302 and response.location.endswith(url(application))
    assert "You withdrew this application" in browser.client.get(url(application)).get_data(as_text=True)
    assert count() == 0


def test_the_interview_invitation_links_to_adjustments(app, setup):
    setup.to_interview()
    application = setup.applications[0]
    interviews.schedule(
        setup.admin,
        application,
        starts_at=utcnow() + timedelta(days=7),
        minutes=45,
        place="Room 4",
        video_link="",
    )
    browser = signed_in(app, application.candidate)
    page = parse(browser.client.get(f"/applications/{application.reference}"))
    assert page.select_one("#interview-adjustments a")["href"] == url(application)
    browser.submit(url(application, ask=True), {"category": "extra_time", "details": "Extra time to read questions"})
    [request] = adjustments.requests_for(application)
    assert request.stage == "interview"


def test_the_interview_times_page_links_to_adjustments(app, setup):
    setup.to_interview()
    application = setup.applications[0]
    browser = signed_in(app, application.candidate)
    page = parse(browser.client.get(f"/applications/{application.reference}/interview-times"))
    assert page.select_one("#interview-adjustments a")["href"] == url(application)


def test_the_data_download_includes_the_requests(app, setup):
    application = setup.applications[0]
    browser = signed_in(app, application.candidate)
    browser.submit(url(application, ask=True), {"category": "communication_support", "details": NEEDS})
    data = json.loads(browser.client.get("/account/your-data").get_data(as_text=True))
    [asked] = data["applications"][0]["adjustments"]
    assert asked["details"] == NEEDS and asked["response"] is None
    assert asked["category"] == "Communication support, for example a British Sign Language interpreter"


def test_a_draft_application_offers_adjustments_before_it_is_submitted(app, make_user):
    campaign = open_campaign(make_user(role="admin"))
    candidate = make_user(role="candidate")
    application = applications.start(candidate, campaign)
    browser = signed_in(app, candidate)
    assert task_entry(browser, application).select_one("#adjustments-link a")["href"] == url(application)
    response = browser.submit(url(application, ask=True), {"category": "document_format", "details": "Large print"})
    assert response.status_code == 302
    assert [request.category for request in adjustments.requests_for(application)] == ["document_format"]
