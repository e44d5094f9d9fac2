"""What panels see of reasonable adjustments: at interview, only the note the admin chose to share, on the work list
and the candidate's page; at the sift, which is blind, nothing at all."""

from __future__ import annotations

import pytest

from recruit.services.applications import adjustments
from recruit.services.assessment import scoring
from tests.factories import sift_campaign
from tests.helpers import parse, signed_in

DETAILS = "I am deaf and need a British Sign Language interpreter."
AGREED = "We have booked an interpreter for 10am."
NOTE = "A BSL interpreter will join the interview; allow 15 minutes more."


@pytest.fixture
def setup(make_user):
    setup = sift_campaign(make_user(role="admin"), applications=3)
    first, second, _ = setup.applications
    for application, note in ((first, NOTE), (second, "")):
        request = adjustments.ask(application.candidate, application, "communication_support", DETAILS)
        adjustments.respond(setup.admin, request, outcome="agreed", agreed=AGREED, panel_note=note)
    return setup


def private_text_in(html: str) -> list[str]:
    return [text for text in (DETAILS, AGREED, "Communication support", "British Sign Language") if text in html]


def test_the_sift_shows_nothing_of_any_request(app, setup):
    campaign = setup.campaign
    for person in setup.assessors:
        browser = signed_in(app, person)
        work = browser.client.get(f"/assess/{campaign.id}/sift").get_data(as_text=True)
        assert NOTE not in work and "Adjustments" not in work and private_text_in(work) == []
        for application in setup.applications:
            page = browser.client.get(f"/assess/{campaign.id}/sift/{application.reference}").get_data(as_text=True)
            assert NOTE not in page and "adjustment" not in page.lower() and private_text_in(page) == []


def test_the_interview_panel_sees_only_the_shared_note(app, setup):
    chair, member = setup.to_interview()
    campaign = setup.campaign
    first, second, third = setup.applications
    for person in (chair, member):
        browser = signed_in(app, person)
        work = parse(browser.client.get(f"/assess/{campaign.id}/interview"))
        rows = {row["data-reference"]: row for row in work.select("#work-list tbody tr[data-reference]")}
        assert [note.get_text(strip=True) for note in rows[first.reference].select(".recruit-adjustment-note")] == [
            NOTE
        ]
        assert rows[first.reference].select_one(".recruit-adjustments-tag") is not None
        for other in (second, third):
            assert rows[other.reference].select_one(".recruit-adjustments-tag") is None
        assert private_text_in(str(work)) == []
        for application in setup.applications:
            scoring.declare(person, campaign, application, "interview", False, "")
        page = parse(browser.client.get(f"/assess/{campaign.id}/interview/{first.reference}"))
        assert [p.get_text(strip=True) for p in page.select("#adjustment-notes p")] == [NOTE]
        assert private_text_in(str(page)) == []
        for other in (second, third):
            page = parse(browser.client.get(f"/assess/{campaign.id}/interview/{other.reference}"))
            assert page.select_one("#adjustment-notes") is None
